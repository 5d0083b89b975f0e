"""The static files storage of production: whitenoise's compressed, hashed copies, with the
portal's own ES modules rewritten to import each other by their hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# `import { post } from "./api.js";` (also `export … from`, over several lines) at the start of a
# line, from a relative path: the style of the portal's modules under static/js. The template
# keeps the statement and swaps in the hashed path.
MODULE_IMPORT = (
    r"""(?m)^(?P<matched>(?P<statement>(?:import|export)\s[^;"']*?\sfrom\s*)["'](?P<url>\.\.?/[^"']+)["'];)""",
    '%(statement)s"%(url)s";',
)


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """A hashed module that imported `./outbox.js` would get the unhashed file, which neither the
    page's `<link rel="modulepreload" href="{% static %}">` nor its offline copy names, and which
    may be of another release. Django's own switch for this (support_js_module_import_aggregation)
    rewrites every script, the vendored ones included, and fails collectstatic on htmx's
    extensions (a type comment of theirs reads `import("../htmx")`); this rewrites ours only."""

    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("js/*.js", (MODULE_IMPORT,)))
