"""Packs: a process together with what it alone needs (its records, panels, letters, rules, wording).

The platform knows packs only through ``registry``; ``installed`` is the one module that imports the
packs themselves, and only the runtime's composition root imports it (a meta-test holds this).
"""
