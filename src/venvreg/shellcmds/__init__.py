"""The commands behind the shell functions, one module per group.

`hot` (workon, lsvirtualenv) is stdlib-only; the others load on demand.
"""

# command -> module in this package, for the commands that are not hot
COLD_HANDLERS: dict[str, str] = {
    "mkvirtualenv": "lifecycle",
    "mktmpenv": "lifecycle",
    "rmtmpenv": "lifecycle",
    "rmvirtualenv": "lifecycle",
    "cpvirtualenv": "lifecycle",
    "mkproject": "lifecycle",
    "cdvirtualenv": "navigate",
    "cdsitepackages": "navigate",
    "lssitepackages": "navigate",
    "cdproject": "navigate",
    "setvirtualenvproject": "navigate",
    "showvirtualenv": "navigate",
    "allvirtualenv": "navigate",
    "add2virtualenv": "packages",
    "wipeenv": "packages",
    "toggleglobalsitepackages": "packages",
    "virtualenvwrapper": "help",
}
