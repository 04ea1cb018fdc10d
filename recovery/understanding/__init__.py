"""Reading a reply, as pure functions over text: pain scores, activity levels, numbers and
number words, corrections, language, keywords, and warning signs.

May import: nothing of ours beyond this package (its ``folding`` helpers are the shared
base); no database, no Flask, no clock. Tested by tables of cases.
"""
