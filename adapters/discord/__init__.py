"""The Discord adapter (discord.py): `/seller` slash commands, buttons, selects and modals in,
embeds and files out, and a REST-only sender for reminders.

`client.py` runs the bot, `commands.py` declares the `/seller` tree, `replies.py` turns an
interaction into a `Request` and the `Response` into an interaction reply, `render.py` and
`views.py` draw a `Response`, `sender.py` posts reminders, `store.py` keeps long button values.
"""
