"""The Slack adapter (Bolt for Python): `server` runs it, `app` turns Slack events into core
`Request`s, `render` turns `Response`s into Block Kit, `delivery` decides where answers go,
`sender` posts reminders, `store` remembers retries and dialogue threads."""
