"""Telling people what happened: the applicant's notifications (an outbox delivered by a
worker), the staff's reminder sweeps, and the leaders' daily digest and monthly report."""
