"""Platform adapters: turn platform events into `Request`s and render `Response`s.

They know nothing of policies; the core knows nothing of platforms.
"""
