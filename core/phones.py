"""Vietnamese phone numbers as people type them."""

import re


def normalise_phone(text):
    """One spelling per number: "+84 912 345 678", "84912345678" and "0912.345.678" all
    become "0912345678"."""
    phone = re.sub(r"[\s.\-()]", "", text or "")
    if phone.startswith("+84"):
        return "0" + phone[3:]
    if phone.startswith("84") and len(phone) in (11, 12):
        return "0" + phone[2:]
    return phone
