"""Time expressions: found by HeidelTime-style rules, normalised against the publication date.

``extract`` finds and resolves (the stage's entry points ``find_times``, ``resolve_times``);
``patterns`` runs the rules that ``rules_calendar``, ``rules_periods`` and ``rules_holidays``
register through ``spec``; ``resolve`` turns a rule's spec into a TimeML value against
the anchor date; ``words`` holds the month, weekday and number words.
"""
