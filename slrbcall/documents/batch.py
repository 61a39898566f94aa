"""Batches of documents: safe file names, all-or-nothing writes, the manifest, workers.

:func:`render_documents` renders many jobs with :class:`~slrbcall.documents.render.Renderer`
(each template parsed once, in each worker process), into a hidden folder first, then
moves them into place, the manifest last.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.documents.render import Renderer
from slrbcall.errors import EnvironmentProblemError, InputFileError, Problem, RefusedError
from slrbcall.i18n import _, language, use_language
from slrbcall.scratch import scratch_folder

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "ManifestEntry",
    "RenderJob",
    "publish",
    "render_documents",
    "safe_filename",
]

MANIFEST_NAME = "manifest.json"
MAX_FILENAME = 120


# -- file names ------------------------------------------------------------------------

_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}
# Letters that NFKD leaves whole but French and Dutch names use.
_LIGATURES = str.maketrans(
    {"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "ß": "ss", "Ø": "O", "ø": "o"}
)


def safe_filename(*parts: str, suffix: str) -> str:
    """A file name safe on every system: ``parts`` cleaned, joined by ``_``, plus ``suffix``.

    Only ASCII letters, digits, ``.``, ``_`` and ``-``; no path separator, no ``..``, no
    leading dot; never empty; at most 120 characters; never a Windows device name
    (``CON.docx`` becomes ``CON_.docx``). ``suffix`` (``.docx``) is kept whole.
    """
    if not re.fullmatch(r"(\.[A-Za-z0-9]+)*", suffix):
        raise ValueError(f"not a file suffix: {suffix!r}")
    cleaned = []
    for part in parts:
        text = unicodedata.normalize("NFKD", part.translate(_LIGATURES))
        text = re.sub(r"[^A-Za-z0-9._-]+", "-", text.encode("ascii", "ignore").decode("ascii"))
        text = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", text)).strip(".-")
        if text:
            cleaned.append(text)
    stem = "_".join(cleaned)[: MAX_FILENAME - len(suffix)].rstrip(".-") or "document"
    first, dot, rest = stem.partition(".")
    if first.upper() in _RESERVED:  # Windows refuses CON, CON.docx, con.fr.docx, ...
        stem = f"{first}_{dot}{rest}"[: MAX_FILENAME - len(suffix)]
    return stem + suffix


# -- batches ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One document: ``filename`` (made by :func:`safe_filename`) in the output folder.

    ``reference``, ``kind`` and ``lang`` say what it is, for the record of the documents
    issued (the application's history).
    """

    template: Path
    context: Mapping[str, Any]
    filename: str
    reference: str | None = None
    kind: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str  # a file name in the manifest's folder
    sha256: str
    size: int  # bytes
    template: str
    template_sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What one batch wrote; ``path`` is its ``manifest.json``."""

    files: tuple[ManifestEntry, ...]
    path: Path


def render_documents(
    jobs: Sequence[RenderJob],
    *,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Manifest:
    """Render every job into ``out_dir``, then write ``manifest.json``: all or nothing.

    Each template is parsed once (and once in each worker process). The documents go
    to a hidden temporary folder inside ``out_dir`` and are moved into place with
    ``os.replace`` only once all of them rendered, the manifest last; after a failure
    no file of the batch is left (same-named files of an earlier batch are kept, unless
    the failure happens during the moves, which only an unwritable folder can cause).
    ``workers=None`` uses the cores when there are many jobs (see :func:`_pool_plan`);
    ``workers=n`` > 1 always uses n processes. ``progress(done, total)`` follows the jobs.
    """
    _check_filenames(jobs)
    if out_dir.exists() and not out_dir.is_dir():
        raise RefusedError(_("the output folder {folder} is a file").format(folder=out_dir))
    with ExitStack() as stack:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            staging = stack.enter_context(scratch_folder(out_dir, "rendering"))
        except OSError as error:
            raise _cannot_write(out_dir, error) from error
        try:
            entries = _render_into(jobs, staging, workers=workers, progress=progress)
            publish(staging, out_dir, [job.filename for job in jobs] + [MANIFEST_NAME])
        except OSError as error:
            raise _cannot_write(out_dir, error) from error
    return Manifest(entries, out_dir / MANIFEST_NAME)


def _cannot_write(folder: Path, error: OSError) -> EnvironmentProblemError:
    return EnvironmentProblemError(
        _("cannot write in {folder}: {error}").format(folder=folder, error=error)
    )


def _render_into(
    jobs: Sequence[RenderJob],
    staging: Path,
    *,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[ManifestEntry, ...]:
    """Render every job into ``staging`` and write the manifest there; return its entries."""
    # Every template is parsed here first, so that a broken one stops the batch early.
    templates = dict.fromkeys(job.template for job in jobs)
    renderers = {path: Renderer(path) for path in templates}
    method, count = _pool_plan(workers, len(jobs))
    if count > 1:
        results = _render_in_pool(jobs, renderers, staging, method, count, progress)
    else:
        results = {}
        for index, job in enumerate(jobs):
            item = (index, job.filename, job.context)
            results.update(_write_all(renderers[job.template], [item], staging))
            if progress:
                progress(index + 1, len(jobs))
    entries = tuple(
        ManifestEntry(job.filename, *results[i], str(job.template), renderers[job.template].sha256)
        for i, job in enumerate(jobs)
    )
    files = [asdict(entry) for entry in entries]
    text = json.dumps({"files": files}, indent=2, ensure_ascii=False) + "\n"
    (staging / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return entries


def _check_filenames(jobs: Sequence[RenderJob]) -> None:
    seen: set[str] = set()
    for job in jobs:
        name = job.filename
        if name != safe_filename(name, suffix="") or name.casefold() == MANIFEST_NAME:
            raise ValueError(f"unsafe document file name {name!r}: make it with safe_filename()")
        if name.casefold() in seen:  # casefold: on Windows and macOS they would be one file
            raise RefusedError(
                _(
                    "two documents would both be written to {name}: their references differ "
                    "only in characters a file name cannot hold"
                ).format(name=name)
            )
        seen.add(name.casefold())


def _pool_plan(workers: int | None, jobs: int) -> tuple[str, int]:
    """The start method and the number of processes.

    Measured with bench/render.py on 2 cores: a convention takes 4 ms here. fork starts
    two workers in 0.05 s, so it pays from about 50 jobs; spawn (Windows, macOS, or a
    process that runs other threads, which fork could deadlock) takes 0.7 s, since each
    worker imports docxtpl again, and pays from about 400.
    """

    forkable = sys.platform == "linux" and threading.active_count() == 1
    method = "fork" if forkable else "spawn"
    if workers is not None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        return method, min(workers, jobs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    enough = jobs >= (50 if forkable else 400)
    return method, min(cores or 1, 8) if enough else 1


def _write_all(
    renderer: Renderer, items: Sequence[tuple[int, str, Mapping[str, Any]]], folder: Path
) -> dict[int, tuple[str, int]]:
    written = {}
    for index, filename, context in items:
        blob = renderer.render(context)
        (folder / filename).write_bytes(blob)
        written[index] = (hashlib.sha256(blob).hexdigest(), len(blob))
    return written


# A worker keeps its renderers from chunk to chunk. Forked workers inherit the parent's.
_WORKER_RENDERERS: dict[tuple[str, str], Renderer] = {}


def _render_chunk(
    template: str,
    data: bytes,
    sha: str,
    items: list[tuple[int, str, Any]],
    folder: str,
    lang: str = "en",
) -> dict[int, tuple[str, int]] | tuple[Problem, ...]:
    """Runs in a worker. An InputFileError does not survive pickling: return its problems
    (worded in ``lang``, the officer's language: a spawned worker starts in English)."""
    use_language(lang)
    try:
        renderer = _WORKER_RENDERERS.get((template, sha))
        if renderer is None:
            renderer = _WORKER_RENDERERS[(template, sha)] = Renderer(Path(template), data=data)
        return _write_all(renderer, items, Path(folder))
    except InputFileError as error:
        return error.problems


def _render_in_pool(
    jobs: Sequence[RenderJob],
    renderers: Mapping[Path, Renderer],
    staging: Path,
    method: str,
    count: int,
    progress: Callable[[int, int], None] | None,
) -> dict[int, tuple[str, int]]:
    # Process pools load multiprocessing and logging, which the commands that read the
    # documents issued (timeline, history) do not need.
    import multiprocessing  # noqa: PLC0415 (loaded only to render in parallel)
    from concurrent.futures import (  # noqa: PLC0415 (loaded only to render in parallel)
        FIRST_COMPLETED,
        ProcessPoolExecutor,
        wait,
    )

    groups: dict[Path, list[tuple[int, str, dict[str, Any]]]] = {path: [] for path in renderers}
    for index, job in enumerate(jobs):
        groups[job.template].append((index, job.filename, dict(job.context)))
    size = max(1, min(50, len(jobs) // (count * 4)))  # small chunks: even load, live progress
    results: dict[int, tuple[str, int]] = {}
    if method == "fork":
        _WORKER_RENDERERS.update({(str(p), r.sha256): r for p, r in renderers.items()})
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method)) as pool:
            pending: set[Future[Any]] = set()
            for path, items in groups.items():
                data, sha = renderers[path].data, renderers[path].sha256
                for start in range(0, len(items), size):
                    chunk = items[start : start + size]
                    pending.add(
                        pool.submit(
                            _render_chunk, str(path), data, sha, chunk, str(staging), language()
                        )
                    )
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        outcome = future.result()  # a worker's other exceptions rise here
                        if isinstance(outcome, tuple):
                            raise InputFileError(outcome)
                        results.update(outcome)
                    if progress:
                        progress(len(results), len(jobs))
            except BaseException:
                for future in pending:  # leaving the pool waits for the running chunks only
                    future.cancel()
                raise
    finally:
        _WORKER_RENDERERS.clear()
    return results


def publish(staging: Path, out_dir: Path, names: Sequence[str]) -> None:
    """Move the batch into place; if a move fails, remove the ones already moved."""
    moved: list[Path] = []
    try:
        for name in names:
            moved.append((staging / name).replace(out_dir / name))
    except OSError:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
