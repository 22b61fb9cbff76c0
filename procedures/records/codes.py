"""The national format's codes and words, and the catalogue values they stand for."""

from core.workdays import LimitUnit

from ..models import Channel, Level, OnlineLevel

# Not in the national format: the catalogue's effective date travels under this extra key
# so that an export imports back whole (other systems ignore unknown keys).
EFFECTIVE_DATE_KEY = "NGAYHIEULUC"

CHANNEL_BY_CODE = {1: Channel.COUNTER.value, 2: Channel.ONLINE.value, 3: Channel.POST.value}
CODE_BY_CHANNEL = {channel: code for code, channel in CHANNEL_BY_CODE.items()}

UNIT_BY_TEXT = {
    "ngay lam viec": LimitUnit.WORKING_DAYS.value,
    "ngay": LimitUnit.CALENDAR_DAYS.value,
    "gio": LimitUnit.WORKING_HOURS.value,
    "gio lam viec": LimitUnit.WORKING_HOURS.value,
    "trong ngay": LimitUnit.SAME_DAY.value,
}
TEXT_BY_UNIT = {
    LimitUnit.WORKING_DAYS.value: "Ngày làm việc",
    LimitUnit.CALENDAR_DAYS.value: "Ngày",
    LimitUnit.WORKING_HOURS.value: "Giờ làm việc",
    LimitUnit.SAME_DAY.value: "Trong ngày",
}

LEVEL_BY_TEXT = {
    "cap xa": Level.COMMUNE.value,
    "cap phuong": Level.COMMUNE.value,
    "cap huyen": Level.DISTRICT.value,
    "cap quan": Level.DISTRICT.value,
    "cap tinh": Level.PROVINCE.value,
}
TEXT_BY_LEVEL = {
    Level.COMMUNE.value: "Cấp xã",
    Level.DISTRICT.value: "Cấp huyện",
    Level.PROVINCE.value: "Cấp tỉnh",
}
# A record may list several levels; the portal serves local desks, so the most local one
# listed is where a citizen goes.
LOCAL_FIRST = [Level.COMMUNE.value, Level.DISTRICT.value, Level.PROVINCE.value]

ONLINE_LEVEL_BY_MUCDO = {
    1: OnlineLevel.NONE.value,
    2: OnlineLevel.NONE.value,
    3: OnlineLevel.PARTIAL.value,
    4: OnlineLevel.FULL.value,
}
MUCDO_BY_ONLINE_LEVEL = {
    OnlineLevel.NONE.value: 2,
    OnlineLevel.PARTIAL.value: 3,
    OnlineLevel.FULL.value: 4,
}

VND = "VND"
