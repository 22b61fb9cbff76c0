"""A local HTTP server that implements the national adapter's documented contract
(docs/national-exchange.md), so the client is exercised over real HTTP: sessions, the
upsert and step services with every field and code checked, "already exists", expired
sessions, and an adapter that is down or slow on demand."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NATIONAL_TIME = re.compile(r"^$|^\d{14}$")
STATUS_CODES = {str(code) for code in range(1, 11)}
DOSSIER_FIELDS = {"MaHoSo", "MaTTHC", "TenTTHC", "KenhThucHien", "ChuHoSo", "TrangThaiHoSo"}
STEP_FIELDS = {"MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "TrangThai", "NgayKetThucTheoQuyDinh"}


class Adapter:
    """What the server holds and how it behaves; the tests read and steer it."""

    def __init__(self, username="onestop", password="mat-khau", agency="H26.45"):
        self.credentials = (username, password, agency)
        self.sessions = set()
        self.dossiers = {}  # MaHoSo -> the last payload
        self.received = []  # (service, isUpdating, MaHoSo, TrangThai…) in arrival order
        self.down = False
        self.slow_seconds = 0
        self.logins = 0
        self.lock = threading.Lock()

    def expire_sessions(self):
        self.sessions.clear()

    def answer(self, path, headers, body):
        if self.down:
            return 503, {"error_code": -1, "message": "Service unavailable"}
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        with self.lock:
            if path == "/auth":
                return 200, self._auth(headers, body)
            if path == "/integration":
                return 200, self._integration(body)
        return 404, {"error_code": -1, "message": "no such path"}

    def _auth(self, headers, body):
        username, password, agency = self.credentials
        if (body.get("username"), body.get("password"), headers.get("dstcode")) != (
            username,
            password,
            agency,
        ):
            return {"error_code": -1, "message": "Sai thông tin đăng nhập"}
        self.logins += 1
        session = f"session-{self.logins}"
        self.sessions.add(session)
        return {"error_code": 0, "session": session}

    def _integration(self, body):
        if body.get("session") not in self.sessions:
            return {"error_code": 1, "message": "Phiên làm việc đã hết hạn"}
        if body.get("madonvi") != self.credentials[2]:
            return {"error_code": -1, "message": "madonvi"}
        service, data = body.get("service"), body.get("data")
        if not isinstance(data, list) or not data:
            return {"error_code": -1, "message": "data"}
        if service == "DongBoHoSoMC":
            return self._upsert(body.get("isUpdating"), data)
        if service == "CapNhatTienDoHoSoMC":
            return self._steps(data)
        return {"error_code": -1, "message": f"unknown service {service}"}

    def _upsert(self, updating, data):
        if updating not in ("True", "False"):
            return {"error_code": -1, "message": "isUpdating"}
        for dossier in data:
            problem = _dossier_problem(dossier)
            if problem:
                return {"error_code": -1, "message": problem}
            known = dossier["MaHoSo"] in self.dossiers
            if updating == "False" and known:
                return {"error_code": 2, "message": "Hồ sơ đã tồn tại"}
            if updating == "True" and not known:
                return {"error_code": -1, "message": "Hồ sơ chưa tồn tại"}
        for dossier in data:
            self.dossiers[dossier["MaHoSo"]] = dossier
            self.received.append(("upsert", updating, dossier["MaHoSo"], dossier["TrangThaiHoSo"]))
        return {"error_code": 0, "message": "Thành công"}

    def _steps(self, data):
        for step in data:
            problem = _step_problem(step)
            if problem:
                return {"error_code": -1, "message": problem}
            if step["MaHoSo"] not in self.dossiers:
                return {"error_code": -1, "message": "Hồ sơ chưa tồn tại"}
        for step in data:
            self.received.append(("step", "", step["MaHoSo"], step["TrangThai"]))
        return {"error_code": 0, "message": "Thành công"}


def _dossier_problem(dossier):
    if not isinstance(dossier, dict) or not set(dossier) >= DOSSIER_FIELDS:
        return "missing fields"
    if any(not isinstance(value, str | list) for value in dossier.values()):
        return "values must be strings"
    if dossier["TrangThaiHoSo"] not in STATUS_CODES:
        return "TrangThaiHoSo"
    if dossier["KenhThucHien"] not in {"1", "2", "3"}:
        return "KenhThucHien"
    for name in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
        if not NATIONAL_TIME.match(dossier.get(name, "")):
            return name
    return None


def _step_problem(step):
    if not isinstance(step, dict) or not set(step) >= STEP_FIELDS:
        return "missing fields"
    if step["TrangThai"] not in STATUS_CODES:
        return "TrangThai"
    for name in ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"):
        if not NATIONAL_TIME.match(step.get(name, "")):
            return name
    return None


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            status, answer = 400, {"error_code": -1, "message": "not JSON"}
        else:
            status, answer = self.server.adapter.answer(self.path, self.headers, body)
        data = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def start(adapter):
    """Serve ``adapter`` on a free local port in a thread: (server, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.adapter = adapter
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
