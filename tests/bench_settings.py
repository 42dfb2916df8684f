"""``make bench``'s settings: production settings, with the per-client throttles (search, feeds)
lifted, as the load generator is one client asking thousands of times a second."""

from secretariat.settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/min"  # noqa: F405
    ),
}
# Its own keys, so that a bench sharing a Redis database with a test run never hands either
# the other's entries (the data versions have fixed names).
CACHES["default"]["KEY_PREFIX"] = "bench"  # noqa: F405
