"""District-wide figures kept until the data under them changes.

A summary over a whole district (compliance per street, the directory's counts, a map's extent)
reads every appointment or segment: tens of milliseconds at Wenzhou's size, on every visit of every
official. It is the same answer until a row under it changes, so it is kept in the cache under a key
that holds the *data versions* it depends on. A write moves a version on (``changed``), and the next
request computes the figure afresh: nothing is ever read stale by design, and ``FIGURE_TIMEOUT``
only bounds what a missed write could cost.

Versions live in the ``versions`` cache, which every process shares (Redis in production, files
under ``var/`` in the embedded default): a write by the worker or the HJ 212 listener moves the
version the web process reads. The figures themselves may be kept per process.

Writes move the versions through the models' ``save`` and ``delete`` (``VersionedModel``) and, for
bulk writes that bypass them (the demo and scale commands), by calling ``changed`` themselves.
"""

import hashlib
import uuid

from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.utils import translation

# The data a figure may depend on.
REGISTRY = "registry"  # regions, units, water bodies, segments, chief appointments, users
PATROLS = "patrols"  # patrols and the rules that count them
PROJECTS = "projects"  # projects, their plans, targets, milestones and reports, and the progress rules

# A figure nobody invalidated is still recomputed after this long.
FIGURE_TIMEOUT = 600


def _version_key(name):
    return f"data-version:{name}"


def _new_version():
    """A version never used before (not the clock: two writes may share a tick, and tests stop it)."""
    return uuid.uuid4().hex


def _versions():
    return caches["versions"]


def version(name):
    versions = _versions()
    current = versions.get(_version_key(name))
    if current is None:
        versions.add(_version_key(name), _new_version(), None)
        current = versions.get(_version_key(name))
    return current


def changed(*names, within=True):
    """The data ``names`` changed: figures computed on them are computed afresh. Moved now, for the
    rest of this transaction, and again at commit, so that a figure another process computed from
    the old rows in between is not kept. A bulk writer that reads no figure before its commit says
    ``within=False``: moved at commit only."""

    def move():
        _versions().set_many({_version_key(name): _new_version() for name in names}, None)

    if within:
        move()
    transaction.on_commit(move)


class VersionFiles(FileBasedCache):
    """The data versions of the embedded default, shared by its processes in files: a few hundred small
    entries (a domain's, a station's samples'), never culled, so that a write need not list the folder."""

    def _cull(self):
        return None


def figure_key(parts, *, depends_on):
    """The cache key of what ``parts`` (picklable) names, on the current data versions it depends on;
    also the key of a rendered fragment kept with ``{% cache %}``."""
    versions = tuple(version(name) for name in depends_on)
    return "figure:" + hashlib.sha256(repr((parts, versions)).encode()).hexdigest()


def shown_to(user, parts):
    """``parts`` of what a page or a list shows ``user``: for their scope (``scope_key``), in the active
    language."""
    return (scope_key(user), translation.get_language(), *parts)


def fragment_key(user, parts, *, depends_on):
    """The key of a fragment a page keeps rendered with ``{% cache %}`` for ``user`` (``shown_to``)."""
    return figure_key(shown_to(user, parts), depends_on=depends_on)


def remembered_figure(parts, compute, *, depends_on):
    """``compute()``, or its value kept for the same ``parts`` (picklable) and data versions."""
    key = figure_key(parts, depends_on=depends_on)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURE_TIMEOUT)
    return value


def scope_key(user):
    """Who a figure was computed for: the whole district is the same answer for every district-wide user."""
    return "district" if user.sees_whole_district else f"user:{user.pk}"


class VersionedModel:
    """A model mixin: saving or deleting a row moves the data version ``data_version`` on, except a
    save of ``unversioned_fields`` only (bookkeeping no figure shows, such as a login's stamp)."""

    data_version = REGISTRY
    unversioned_fields = frozenset()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(update_fields) <= self.unversioned_fields:
            changed(self.data_version)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        changed(self.data_version)
        return result
