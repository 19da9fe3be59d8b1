"""One exception tree for storyline.

    StorylineError
    ├── SettingsError        a setting has a bad value or an unknown name
    ├── InputError           an input cannot be read or is not an article
    │   ├── UnsupportedFormatError   no reader for this format
    │   └── FetchError               a URL could not (or may not) be fetched
    ├── StoreError           the store cannot be opened, migrated or written
    ├── NotFoundError        an id names nothing in the store
    ├── ClusterError         a Dask scheduler (--scheduler) cannot be reached or used
    └── BenchError           a benchmark folder does not have the expected layout

Every message says what happened, shows the offending value and says what to do.
The CLI maps any ``StorylineError`` to one line on standard error and exit code 2
(see ``storyline.cli``); batch readers never raise for one bad item, they record a
``Rejection`` instead.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of every error storyline raises on purpose."""


class SettingsError(StorylineError):
    """A setting has an unknown name or a value of the wrong kind."""


class InputError(StorylineError):
    """An input cannot be read, decoded or turned into an article."""


class UnsupportedFormatError(InputError):
    """No reader exists for the requested or detected format."""


class FetchError(InputError):
    """A URL could not be fetched, or fetching it is not allowed."""


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(StorylineError):
    """An identifier names nothing in the store."""


class BenchError(StorylineError):
    """A benchmark folder does not have the layout the benchmark expects."""


class ClusterError(StorylineError):
    """A Dask scheduler named by ``--scheduler`` cannot be reached or used."""
