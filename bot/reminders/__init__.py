"""Cases, deadlines and reminders that survive restarts.

The `reminders` table is the source of truth; APScheduler only wakes the process that holds the
scheduler lease, which claims due rows, sends them through the adapters' `Sender` and marks them
sent (see delivery.py for the exactly-once argument).
"""
