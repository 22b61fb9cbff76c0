"""The proportions and delays of the demo's dossiers: the source town's published rates,
the rhythm of its days, and how long each step of a dossier's life takes."""

from datetime import timedelta

from dossiers.models import Satisfaction

DAYS = 365

# Shares of the volume. The on-time targets are the source town's published rates.
TOWN_SHARE = 0.35
ONLINE_SHARE = 0.35
POST_SHARE = 0.01
ORGANISATION_SHARE = 0.07
TOWN_ON_TIME = 0.982
WARD_ON_TIME = 0.998
EARLY_SHARE = 0.6  # of the dossiers finished in time, when the due day allows it
REFUSAL_RATE = 0.03  # of online filings, at the desk's check
WITHDRAWAL_RATE = 0.004
STOP_RATE = 0.003
SUPPLEMENT_RATE = 0.04
TWO_SUPPLEMENTS_SHARE = 0.2  # of the late dossiers: late by the two-requests rule
PAYMENT_RATE = 0.3  # of the dossiers of procedures with a fee
APOLOGY_RATE = 0.9  # of the dossiers late by their times
UNCOLLECTED_RATE = 0.02
SAME_DAY_RETURN_RATE = 0.35
RATING_RATE = 0.5

# Day weights: Monday is busiest, Tết month is quiet and the months before it are busy.
WEEKDAY_WEIGHTS = (1.25, 1.05, 1.0, 1.0, 0.9, 0.3, 0.0)
MONTH_WEIGHTS = (1.15, 0.75, 1.05, 1.0, 1.0, 1.0, 0.95, 1.05, 1.0, 1.0, 1.05, 1.1)
ONLINE_OFF_DAY_WEIGHT = 0.4
# Online filings by hour of the day (0h..23h).
ONLINE_HOUR_WEIGHTS = (
    *(0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.2, 2.0, 2.4, 2.4, 2.0),  # midnight to noon
    *(1.4, 1.2, 1.8, 2.2, 2.2, 1.8, 1.0, 1.0, 1.4, 1.6, 1.2, 0.6),  # noon to midnight
)

ONE_HOUR = timedelta(hours=1)
# Holidays further than this from today cannot touch a dossier of the last year.
CALENDAR_REACH_YEARS = 3
MIN_WORKING_TIME_FOR_A_PAUSE = ONE_HOUR
DESK_CHECK_DELAY = (timedelta(minutes=10), timedelta(hours=6))
# The desk hands a received dossier over after this share of its working time (within
# the 5 % its reception step is given in the standard workflow), at most two days.
TRANSFER_SHARE = (0.045, 0.05)
TRANSFER_DELAY_CAP = timedelta(hours=16)
SUPPLEMENT_WAIT_DAYS = (1, 10)
PAYMENT_WAIT_DAYS = (0, 3)
LATE_BY_MIN = timedelta(minutes=30)
LATE_BY_MEAN_HOURS = 6
LATE_BY_MAX_HOURS = 40
RETURN_AFTER_DAYS = (1, 1, 1, 2, 2, 3, 4, 5, 7, 10)
SATISFACTION_WEIGHTS = {False: (0.62, 0.36, 0.02), True: (0.3, 0.45, 0.25)}  # by lateness
SATISFACTION_LEVELS = (
    Satisfaction.VERY_SATISFIED,
    Satisfaction.SATISFIED,
    Satisfaction.DISSATISFIED,
)
COMMENT_RATE = 0.3  # of the ratings, with a comment

# Of the papers needed only in a case, the share the applicant hands over.
CONDITIONAL_PAPER_RATE = 0.3
# Of the dossiers still open at `now`, the share whose first handling step runs long
# (weighted so many times its share), leaving too little time for the steps after it.
SLOW_STEP_RATE = 0.5
SLOW_STEP_WEIGHT = 6
# Of the approvals of dossiers that took at least REWORK_MIN_SPAN of their steps' budgets,
# the share sent back once for rework (about 3 % of all approvals).
REWORK_RATE = 0.07
REWORK_MIN_SPAN = 0.75
# Of the other dossiers with steps, the share whose first handling step overruns its
# budget by a factor in LATE_STEP_OVERRUN while the dossier keeps its time.
LATE_STEP_RATE = 0.012
LATE_STEP_OVERRUN = (1.05, 1.3)
