"""The demo's reform-index criteria: a 100-point scorecard modelled on the PAR index of the
wards and communes (8 areas, 31 criteria, 17 sub-criteria, 6 computed from the portal's
data), with its grade bands, as rows of the criteria import format."""

from reform_index.models import CriterionKind, Metric, Rule

GRADE_BANDS = [
    {"grade": "Xuất sắc", "min": 90},
    {"grade": "Tốt", "min": 80},
    {"grade": "Khá", "min": 70},
    {"grade": "Trung bình", "min": 50},
    {"grade": "Yếu", "min": 0},
]


def auto(metric, rule, **params):
    return {"kind": CriterionKind.AUTOMATIC, "metric": metric, "rule": rule, "rule_params": params}


def c(code, name, points, *children, guidance="", computed=None):
    """A criterion: code, name, maximum points, sub-criteria; ``computed`` for automatic."""
    return {
        "code": code,
        "name": name,
        "max_points": points,
        "guidance": guidance,
        "children": children,
        **(computed or {}),
    }


ON_TIME = auto(Metric.ON_TIME_RATE, Rule.RATIO, threshold=0.98)
ONLINE = auto(Metric.ONLINE_SHARE, Rule.RATIO, threshold=0.5)
APOLOGY = auto(Metric.APOLOGY_SHARE, Rule.RATIO, threshold=1, empty="full")
PUBLISHED = auto(Metric.PUBLISHED_PROCEDURES, Rule.RATIO, threshold=1)
SATISFACTION = auto(
    Metric.SATISFACTION,
    Rule.BANDS,
    bands=[
        {"min": 0.98, "points": 10},
        {"min": 0.95, "points": 9},
        {"min": 0.9, "points": 8},
        {"min": 0.8, "points": 6},
        {"min": 0.7, "points": 4},
        {"min": 0.5, "points": 2},
    ],
)
VIOLATIONS = auto(
    Metric.INSPECTION_VIOLATIONS,
    Rule.BANDS,
    bands=[{"max": 0, "points": 3}, {"max": 1, "points": 2}, {"max": 2, "points": 1}],
)

CRITERIA = [
    c(
        "I",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        12,
        c(
            "I.1",
            "Kế hoạch cải cách hành chính năm",
            3,
            c(
                "I.1.1",
                "Ban hành kế hoạch cải cách hành chính năm kịp thời",
                1,
                guidance="Ban hành trước ngày 31/01: 1 điểm; sau ngày 31/01: 0,5 điểm.",
            ),
            c(
                "I.1.2",
                "Mức độ thực hiện kế hoạch cải cách hành chính",
                2,
                guidance="Hoàn thành 100% kế hoạch: 2 điểm; từ 80% đến dưới 100%: 1 điểm.",
            ),
        ),
        c(
            "I.2",
            "Thực hiện chế độ báo cáo cải cách hành chính đầy đủ, đúng thời hạn",
            1,
            guidance="Đủ số lượng, đúng nội dung và thời hạn: 1 điểm.",
        ),
        c(
            "I.3",
            "Công tác kiểm tra cải cách hành chính",
            2,
            c("I.3.1", "Thực hiện kế hoạch kiểm tra cải cách hành chính đối với các bộ phận", 1),
            c("I.3.2", "Xử lý các vấn đề phát hiện qua kiểm tra", 1),
        ),
        c("I.4", "Công tác tuyên truyền cải cách hành chính", 2),
        c(
            "I.5",
            "Sáng kiến, giải pháp mới trong thực hiện cải cách hành chính",
            2,
            guidance="Có sáng kiến được cấp có thẩm quyền công nhận: 2 điểm.",
        ),
        c("I.6", "Thực hiện các nhiệm vụ được Ủy ban nhân dân thị xã giao", 2),
    ),
    c(
        "II",
        "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
        8,
        c("II.1", "Ban hành văn bản quy phạm pháp luật thuộc thẩm quyền đúng quy định", 2),
        c("II.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", 2),
        c("II.3", "Tổ chức thực hiện và theo dõi thi hành pháp luật", 2),
        c("II.4", "Xử lý các vấn đề phát hiện qua rà soát, kiểm tra văn bản", 2),
    ),
    c(
        "III",
        "Cải cách thủ tục hành chính",
        22,
        c(
            "III.1",
            "Công khai thủ tục hành chính",
            4,
            c(
                "III.1.1",
                "Tỷ lệ thủ tục hành chính được công khai đầy đủ các bộ phận",
                2,
                guidance="Thành phần hồ sơ, trình tự thực hiện, thời hạn giải quyết, kết quả "
                "và căn cứ pháp lý; tính từ danh mục thủ tục trên Cổng.",
                computed=PUBLISHED,
            ),
            c(
                "III.1.2",
                "Công khai thủ tục hành chính tại Bộ phận Một cửa và trên Cổng thông tin "
                "điện tử đúng quy định",
                2,
            ),
        ),
        c(
            "III.2",
            "Thực hiện cơ chế một cửa, một cửa liên thông",
            14,
            c(
                "III.2.1",
                "Tỷ lệ hồ sơ giải quyết đúng hạn",
                6,
                guidance="Điểm = 6 × min(1, tỷ lệ / 98%), tính từ hồ sơ trên Cổng.",
                computed=ON_TIME,
            ),
            c(
                "III.2.2",
                "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi và hẹn lại ngày trả kết quả",
                2,
                guidance="Không có hồ sơ quá hạn: đạt điểm tối đa.",
                computed=APOLOGY,
            ),
            c(
                "III.2.3",
                "Bố trí công chức, trang thiết bị tại Bộ phận Một cửa đúng quy định",
                2,
            ),
            c("III.2.4", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 2),
            c(
                "III.2.5",
                "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính",
                2,
            ),
        ),
        c("III.3", "Rà soát, đề xuất đơn giản hóa thủ tục hành chính", 2),
        c("III.4", "Thực hiện thanh toán trực tuyến phí, lệ phí", 2),
    ),
    c(
        "IV",
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        8,
        c("IV.1", "Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức", 3),
        c("IV.2", "Thực hiện quy định về số lượng cán bộ, công chức được giao", 3),
        c("IV.3", "Thực hiện phân cấp, ủy quyền quản lý nhà nước", 2),
    ),
    c(
        "V",
        "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức",
        12,
        c("V.1", "Thực hiện quy định về vị trí việc làm", 2),
        c("V.2", "Tuyển dụng, bố trí, sử dụng cán bộ, công chức đúng quy định", 2),
        c("V.3", "Đánh giá, xếp loại chất lượng cán bộ, công chức", 2),
        c("V.4", "Đào tạo, bồi dưỡng cán bộ, công chức", 2),
        c(
            "V.5",
            "Chấp hành kỷ luật, kỷ cương hành chính",
            4,
            c(
                "V.5.1",
                "Vi phạm kỷ luật, kỷ cương phát hiện qua kiểm tra công vụ",
                3,
                guidance="Không có vi phạm: 3 điểm; 1 vi phạm: 2 điểm; 2 vi phạm: 1 điểm.",
                computed=VIOLATIONS,
            ),
            c("V.5.2", "Không có cán bộ, công chức bị xử lý kỷ luật trong năm", 1),
        ),
    ),
    c(
        "VI",
        "Cải cách tài chính công",
        8,
        c("VI.1", "Thực hiện quy định về quản lý, sử dụng ngân sách nhà nước", 3),
        c("VI.2", "Quản lý, sử dụng tài sản công đúng quy định", 2),
        c("VI.3", "Thực hiện công khai tài chính, ngân sách", 3),
    ),
    c(
        "VII",
        "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        15,
        c(
            "VII.1",
            "Ứng dụng công nghệ thông tin trong hoạt động của cơ quan",
            3,
            c("VII.1.1", "Sử dụng hệ thống quản lý văn bản và điều hành", 1.5),
            c("VII.1.2", "Sử dụng chữ ký số trong gửi, nhận văn bản điện tử", 1.5),
        ),
        c(
            "VII.2",
            "Cung cấp và sử dụng dịch vụ công trực tuyến",
            8,
            c(
                "VII.2.1",
                "Tỷ lệ hồ sơ trực tuyến",
                5,
                guidance="Điểm = 5 × min(1, tỷ lệ / 50%), tính từ hồ sơ trên Cổng.",
                computed=ONLINE,
            ),
            c(
                "VII.2.2",
                "Cập nhật, đồng bộ hồ sơ lên Hệ thống thông tin giải quyết thủ tục hành chính",
                3,
            ),
        ),
        c("VII.3", "Áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015", 2),
        c("VII.4", "Bảo đảm an toàn thông tin mạng", 2),
    ),
    c(
        "VIII",
        "Mức độ hài lòng của người dân, tổ chức",
        15,
        c(
            "VIII.1",
            "Mức độ hài lòng của người dân, tổ chức đối với việc giải quyết thủ tục hành chính",
            10,
            guidance="Từ đánh giá của người dân trên Cổng: từ 98% hài lòng trở lên: 10 điểm.",
            computed=SATISFACTION,
        ),
        c(
            "VIII.2",
            "Tiếp nhận, trả lời phản ánh, kiến nghị của người dân, tổ chức đúng hạn",
            5,
        ),
    ),
]


def criteria_rows():
    """The demo criteria as rows of the import format (parents before children)."""
    rows = []

    def add(node, parent, order):
        rows.append(
            {
                "code": node["code"],
                "parent": parent,
                "name": node["name"],
                "max_points": node["max_points"],
                "kind": node.get("kind", CriterionKind.MANUAL),
                "metric": node.get("metric", ""),
                "rule": node.get("rule", ""),
                "rule_params": node.get("rule_params", {}),
                "guidance": node["guidance"],
                "order": order,
            }
        )
        for child in node["children"]:
            add(child, node["code"], len(rows) + 1)

    for area in CRITERIA:
        add(area, "", len(rows) + 1)
    return rows
