"""Static file storages whose URLs are worked out once per process (issue 14).

Every page asks for the same five or six ``{% static %}`` URLs; each ask joins paths and, with
the manifest, looks the hashed name up. The answer for a name cannot change while the process
runs (the manifest is read at start-up; ``collectstatic`` is followed by a restart), so it is
kept.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _UrlsOnce:
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        urls = self.__dict__.setdefault("_urls", {})
        url = urls.get(name)
        if url is None:
            url = super().url(name)
            if len(urls) < 1000:  # names come from templates: a few dozen
                urls[name] = url
        return url


class StaticFiles(_UrlsOnce, StaticFilesStorage):
    pass


class ManifestStaticFiles(_UrlsOnce, CompressedManifestStaticFilesStorage):
    pass
