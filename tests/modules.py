"""The recorder's ES modules as the browser finds them: the imports of each module, followed."""

import re
from urllib.parse import urljoin

from django.urls import reverse

_IMPORT = re.compile(r"""\bfrom\s*["'](\.\.?/[^"']+)["']""")
_ENTRY = re.compile(r'<script type="module" src="([^"]+)"')
_PRELOADED = re.compile(r'<link rel="modulepreload" href="([^"]+)"')


def imported_modules(entry_url, source):
    """The URLs of every module ``entry_url`` imports, directly or not; ``source(url)`` reads one."""
    found, waiting = set(), [entry_url]
    while waiting:
        url = waiting.pop()
        for relative in _IMPORT.findall(source(url)):
            target = urljoin(url, relative)
            if target not in found:
                found.add(target)
                waiting.append(target)
    return found


def recorder_modules(client, user):
    """The recorder page's module script and the modules it preloads, as ``user`` gets the page."""
    client.force_login(user)
    page = client.get(reverse("inspections:patrol_record")).content.decode()
    [entry] = _ENTRY.findall(page)
    return entry, set(_PRELOADED.findall(page))
