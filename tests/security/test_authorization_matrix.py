# ruff: noqa: E501  (the table is one line per request, one column per role)
"""The authorization matrix: every role x every endpoint and page, against the dossiers of
one citizen in one town ("own") and of another citizen in another town ("other").

Rows are requests; columns are roles: anonymous, the citizen whose dossiers these are, another
citizen, the desk officer of the town that received them and of the other town, the
specialist of the handling justice office and of the other town's, the unit leader of each
town, the province's leader and index officer, and a superuser. The dossiers, by letter
(``tests.world``): O in progress, S submitted online, P awaiting payment, U waiting
for supplements, R resolved, T returned — all the citizen's at the town — and X, the other
citizen's at the other town.

Cells (``tests.security.matrix``): a status code; ``!`` when the request changed something
(a POST without it must change nothing); ``{…}`` for 200 with exactly those dossiers (or
scorecards C/N/A, inspections I/J) on the page, JSON or CSV. Each POST is rolled back, so
every cell starts from the same world.

Notes on the answers: the API answers anonymous callers 401 with a ``WWW-Authenticate: Token``
challenge (token authentication comes first); a dossier outside one's scope is 404
everywhere (it does not exist for that user), one in scope but not one's to act on is 400
with the reason; the desk screens send a logged-out user to the login page and a citizen
403; a refused action on a desk screen redirects back with the reason (302, no change).
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from tests.security.matrix import (
    ROLES,
    bodies,
    canonical,
    cell_for,
    markers,
    observe,
    parse,
    placeholders,
)

MATRIX = """
# API: dossiers, their timeline and one action per transition                anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /api/v1/dossiers/                                                       401       {OSPURT}  {X}       {OSPURT}  {X}       {OPURT}   {X}       {OSPURT}  {X}       {OSPURTX} {OSPURTX} {OSPURTX}
GET  /api/v1/dossiers/{O}/                                                   401       200       404       200       404       200       404       200       404       200       200       200
GET  /api/v1/dossiers/{O}/events/                                            401       200       404       200       404       200       404       200       404       200       200       200
GET  /api/v1/dossiers/{X}/                                                   401       404       200       404       200       404       200       404       200       200       200       200
GET  /api/v1/dossiers/{X}/events/                                            401       404       200       404       200       404       200       404       200       200       200       200
POST /api/v1/dossiers/                                       filing          401       201!      201!      201!      400       403       403       403       403       403       403       403
POST /api/v1/dossiers/{S}/receive/                           note            401       400       404       200!      404       404       404       400       404       400       400       200!
POST /api/v1/dossiers/{S}/refuse/                            reason          401       400       404       200!      404       404       404       400       404       400       400       200!
POST /api/v1/dossiers/{O}/request-supplement/                reason          401       400       404       200!      404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{U}/supplement/                        note            401       200!      404       200!      404       400       404       400       404       400       400       200!
POST /api/v1/dossiers/{O}/transfer/                          transfer        401       400       404       200!      404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{O}/request-payment/                   note            401       400       404       200!      404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{P}/confirm-payment/                   note            401       400       404       200!      404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{O}/resolve/                           note            401       400       404       400       404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{R}/return/                            note            401       400       404       200!      404       400       404       400       404       400       400       200!
POST /api/v1/dossiers/{O}/request-withdrawal/                reason          401       200!      404       200!      404       400       404       400       404       400       400       200!
POST /api/v1/dossiers/{O}/stop/                              reason          401       400       404       200!      404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{O}/apologize/                         apology         401       400       404       400       404       200!      404       200!      404       400       400       200!
POST /api/v1/dossiers/{T}/rate/                              rate            401       200!      404       400       404       400       404       400       404       400       400       400
POST /api/v1/dossiers/{O}/components/{O_comp}/exempt/        exempt          401       400       404       200!      404       400       404       400       404       400       400       200!
POST /api/v1/dossiers/{O}/components/{O_comp}/scan/          exempt          401       415       404       415       404       415       404       415       404       415       415       415
POST /api/v1/dossiers/{X}/components/{X_comp}/exempt/        exempt          401       404       400       404       200!      404       400       404       400       400       400       200!

# API: public lookup, reports, catalogue, reform index                       anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /api/v1/lookup/?code={O}&phone={phone}                                  200       200       200       200       200       200       200       200       200       200       200       200
GET  /api/v1/lookup/?code={O}&phone=0900000000                               404       404       404       404       404       404       404       404       404       404       404       404
GET  /api/v1/reports/on-time/                                                401       403       403       403       403       403       403       200       200       200       200       200
GET  /api/v1/reports/late/                                                   401       403       403       403       403       403       403       200       200       200       200       200
GET  /api/v1/reports/digitisation/                                           401       403       403       403       403       403       403       200       200       200       200       200
GET  /api/v1/me/documents/                                                   401       200       200       200       200       200       200       200       200       200       200       200
GET  /api/v1/me/documents/{doc}/                                             401       200       404       404       404       404       404       404       404       404       404       404
DELETE /api/v1/me/documents/{doc}/                                           401       204!      404       404       404       404       404       404       404       404       404       404
GET  /api/v1/procedures/{proc}/                                              200       200       200       200       200       200       200       200       200       200       200       200
GET  /api/v1/auth/token/                                                     405       405       405       405       405       405       405       405       405       405       405       405
GET  /api/schema/                                                            200       200       200       200       200       200       200       200       200       200       200       200
GET  /api/docs/                                                              200       200       200       200       200       200       200       200       200       200       200       200
GET  /api/v1/reform-index/scorecards/                                        {C}       {C}       {C}       {C}       {C}       {C}       {C}       {CA}      {CA}      {CNA}     {CNA}     {CNA}
GET  /api/v1/reform-index/scorecards/{draft}/                                404       404       404       404       404       404       404       404       404       200       200       200
GET  /api/v1/reform-index/scorecards/{published}/ranking/                    200       200       200       200       200       200       200       200       200       200       200       200
POST /api/v1/reform-index/scorecards/{draft}/open-self-assessment/ note           401       404       404       404       404       404       404       404       404       200!      200!      200!
GET  /api/v1/reform-index/inspections/                                       {I}       {I}       {I}       {I}       {I}       {I}       {I}       {IJ}      {I}       {IJ}      {IJ}      {IJ}
POST /api/v1/reform-index/inspections/                       inspection      401       403       403       403       403       403       403       403       403       403       201!      201!

# Desk screens, logbook and printed forms                                    anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /desk/                                                                  302       403       403       200       200       200       200       200       200       200       200       200
GET  /desk/queue/                                                            302       403       403       {S}       {}        {}        {}        {S}       {}        {S}       {S}       {S}
GET  /desk/intake/                                                           302       403       403       200       200       200       200       200       200       200       200       200
GET  /desk/due-soon/                                                         302       403       403       200       200       200       200       200       200       200       200       200
GET  /desk/overdue/                                                          302       403       403       200       200       200       200       200       200       200       200       200
GET  /desk/dossiers/{O}/                                                     302       403       403       200       404       200       404       200       404       200       200       200
GET  /desk/dossiers/{O}/files/{O_att}/                                       302       403       403       200       404       200       404       200       404       200       200       200
POST /desk/dossiers/{S}/receive/                             page-receive    302       403       403       302!      404       404       404       302       404       302       302       302!
POST /desk/dossiers/{O}/transfer/                            page-transfer   302       403       403       302!      404       302!      404       302!      404       302       302       302!
POST /desk/dossiers/{O}/resolve/                             page-resolve    302       403       403       302       404       302!      404       302!      404       302       302       302!
POST /desk/dossiers/{R}/return/                              page-return     302       403       403       302!      404       302       404       302       404       302       302       302!
POST /desk/dossiers/{O}/components/{O_comp}/exempt/          page-exempt     302       403       403       302!      404       302       404       302       404       302       302       302!
POST /desk/dossiers/{O}/components/{O_comp}/scan/            page-exempt     302       403       403       302       404       302       404       302       404       302       302       302
POST /api/v1/dossiers/{O}/results/                           note            401       415       404       415       404       415       404       415       404       415       415       415
GET  /api/v1/dossiers/{O}/results/                                           401       200       404       200       404       200       404       200       404       200       200       200
POST /desk/dossiers/{O}/results/issue/                       page-result     302       403       403       302       404       302!      404       302!      404       302       302       302!
GET  /api/v1/dossiers/{P}/fees/                                              401       200       404       200       404       200       404       200       404       200       200       200
POST /api/v1/dossiers/{P}/fees/cash/                                         401       400       404       400       404       400       404       400       404       400       400       400
GET  /verify/                                                                200       200       200       200       200       200       200       200       200       200       200       200
GET  /desk/logbook/                                                          302       403       403       {OPURT}   {X}       {OPURT}   {X}       {OPURT}   {X}       {OPURTX}  {OPURTX}  {OPURTX}
GET  /desk/logbook.csv                                                       302       403       403       {OPURT}   {X}       {OPURT}   {X}       {OPURT}   {X}       {OPURTX}  {OPURTX}  {OPURTX}
GET  /desk/logbook.xlsx                                                      302       403       403       200       200       200       200       200       200       200       200       200
POST /desk/rating-device/{T}/                                note            302       403       403       302       404       302       404       302       404       302       302       302
GET  /print/{O}/receipt/                                                     302       200       404       200       404       200       404       200       404       200       200       200
GET  /print/{O}/receipt.pdf                                                  302       200       404       200       404       200       404       200       404       200       200       200
GET  /print/{O}/tracking/                                                    302       200       404       200       404       200       404       200       404       200       200       200

# Citizen pages, attachments and the public lookup page                      anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /dossiers/mine/                                                         302       {OSPURT}  {X}       {OSPURT}  {X}       {OPURT}   {X}       {OSPURT}  {X}       {OSPURTX} {OSPURTX} {OSPURTX}
GET  /dossiers/mine/data/                                                    302       {OSPURT}  {X}       {}        {}        {}        {}        {}        {}        {}        {}        {}
GET  /dossiers/{O}/                                                          302       200       404       200       404       200       404       200       404       200       200       200
GET  /dossiers/{S}/filed/                                                    302       200       404       200       404       404       404       200       404       200       200       200
GET  /dossiers/file/{proc}/                                                  302       200       200       403       403       403       403       403       403       403       403       403
POST /dossiers/{T}/rate/                                     page-rate       302       302!      404       200       404       200       404       200       404       200       200       200
POST /dossiers/{O}/withdraw/                                 page-withdraw   302       302!      404       302!      404       200       404       200       404       200       200       302!
POST /dossiers/{U}/supplement/                               page-supplement 302       302!      404       302!      404       200       404       200       404       200       200       302!
GET  /dossiers/mine/store/                                                   302       200       200       200       200       200       200       200       200       200       200       200
GET  /dossiers/mine/store/{doc}/file/                                        302       200       404       404       404       404       404       404       404       404       404       404
POST /dossiers/mine/store/{doc}/delete/                                      302       302!      404       404       404       404       404       404       404       404       404       404
GET  /attachments/{O_att}/                                                   404       200       404       200       404       200       404       200       404       200       200       200
GET  /lookup/?code={O}&phone={phone}                                         200       200       200       200       200       200       200       200       200       200       200       200

# Reform index pages                                                         anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /reform-index/                                                          200       200       200       200       200       200       200       200       200       200       200       200
GET  /reform-index/{published}/                                              200       200       200       200       200       200       200       200       200       200       200       200
GET  /reform-index/{draft}/                                                  404       404       404       404       404       404       404       404       404       404       404       404
GET  /reform-index/inspections/                                              {I}       {I}       {I}       {I}       {I}       {I}       {I}       {IJ}      {I}       {IJ}      {IJ}      {IJ}
GET  /reform-index/inspections/new/                                          302       403       403       403       403       403       403       403       403       403       200       200
GET  /reform-index/work/                                                     302       403       403       403       403       403       403       200       200       200       200       200
POST /reform-index/work/{draft}/open-self-assessment/        note            302       403       403       403       403       403       403       404       404       302!      302!      302!

# Back office, dashboard and transparency                                    anon      citizen   citizen2  desk      desk2     spec      spec2     uleader   uleader2  leader    index     admin
GET  /admin/                                                                 302       302       302       200       200       200       200       200       200       200       200       200
GET  /admin/dossiers/dossier/                                                302       302       302       {OSPURT}  {X}       {OPURT}   {X}       {OSPURT}  {X}       {OSPURTX} {OSPURTX} {OSPURTX}
GET  /admin/dossiers/dossier/{O_pk}/change/                                  302       302       302       200       302       200       302       200       302       200       200       200
GET  /admin/core/user/                                                       302       302       302       403       403       403       403       200       200       200       403       200
GET  /admin/procedures/procedure/                                            302       302       302       200       200       200       200       200       200       200       200       200
GET  /dashboard/                                                             302       403       403       403       403       403       403       200       200       200       200       200
GET  /dashboard/data.json                                                    403       403       403       403       403       403       403       200       200       200       200       200
GET  /dashboard/late/                                                        302       403       403       403       403       403       403       200       200       200       200       200
GET  /dashboard/late.csv                                                     302       403       403       403       403       403       403       200       200       200       200       200
GET  /dashboard/late.xlsx                                                    302       403       403       403       403       403       403       200       200       200       200       200
GET  /transparency/                                                          200       200       200       200       200       200       200       200       200       200       200       200
GET  /transparency/data.json                                                 200       200       200       200       200       200       200       200       200       200       200       200
GET  /transparency/data.csv                                                  200       200       200       200       200       200       200       200       200       200       200       200

"""
ROWS = parse(MATRIX)


def client_for(world, role):
    client = Client()
    if role != "anon":
        client.force_login(world.roles[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_column(world, role):
    values, body_sets, all_markers = placeholders(world), bodies(world), markers(world)
    mismatches = []
    for row in ROWS:
        # A fresh session per request, so that no message or state carries over.
        status, extra = observe(client_for(world, role), row, values, body_sets)
        expected = row.expected[role]
        got = cell_for(expected, status, extra, all_markers)
        if canonical(got) != canonical(expected):
            mismatches.append(f"{row.label}: expected {expected}, got {got}")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


def test_every_row_is_a_route_of_the_portal():
    sample = {
        "proc": "1.001193",
        "phone": "0912345678",
        "draft": 2002,
        "published": 2001,
        "doc": 1,
    }
    for letter in "OSPURTX":
        sample |= {
            letter: "H26.45-261125-0001",
            f"{letter}_pk": 1,
            f"{letter}_att": 1,
            f"{letter}_comp": 1,
        }
    for row in ROWS:
        resolve(urlsplit(row.path.format(**sample)).path)


def test_the_table_covers_every_role_and_both_sides():
    assert len(ROWS) >= 60
    assert all(set(row.expected) == set(ROLES) for row in ROWS)
