"""A full build of the index on every core.

Worker processes (forked, so they start in milliseconds with vault and Whoosh imported) each
take chunks of notes and write one Whoosh segment per chunk, not yet named in any table of
contents; the parent then writes the one table of contents that names them all (what
Whoosh's MpWriter does with multisegment=True, minus shipping every document to the workers
through temporary files). The writer of a worker (BuildWriter) is Whoosh's SegmentWriter
with its inner loop replaced: documents arrive analysed already, postings are grouped by term
as they come (so only the terms are sorted, not every posting) and field lengths stay in
memory (Whoosh reads them back from the segment's files for every posting it writes).
An update of the index writes its one small segment with the same writer, under the locks
(`segment_writer`): half of the update an answer waits for in a server was Whoosh writing
that segment posting by posting.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from vault.catalog import Catalog
from vault.errors import DerivedDataGone
from vault.search import fieldtypes
from vault.search.analysis import Analyzed
from vault.search.documents import Source, language_of, prepare, sources
from vault.search.imports import whoosh_index
from vault.search.manifest import Entry
from vault.search.schema import make_schema, vocabulary_doc

# A full build writes one segment per chunk of about this many notes (or this many bytes of
# Markdown): each segment's postings are then sorted in memory, where one big segment would
# spill sorted runs to disk and merge them. Fewer, bigger segments make searches faster.
REBUILD_CHUNK = int(os.environ.get("VAULT_INDEX_CHUNK", "2500"))
CHUNK_BYTES = 16 * 2**20
# Build in worker processes, on every core, when at least this many notes are indexed.
PARALLEL_MIN = 400
# Segments are written as separate files, not one compound file: Whoosh copies each file of
# a compound segment into memory when opening a reader (45 ms of a 10,000-note search).
COMPOUND = False

Progress = Callable[[int, int], None]


def build(
    catalog: Catalog, folder: Path, progress: Progress | None
) -> tuple[dict[str, Entry], str | None]:
    """Index every note of `catalog` into a new index in the empty `folder`: the manifest
    entries of the notes written, and the vault's language (None: mixed). Worker processes on
    every core write one segment per chunk of notes; the table of contents naming them all is
    written at the end. DerivedDataGone when `folder` is deleted meanwhile (someone cleared
    the cache folder)."""
    try:
        return _build(catalog, folder, progress)
    except Exception as exc:  # FileNotFoundError, or Whoosh's own words for it
        if folder.is_dir():
            raise
        raise DerivedDataGone(
            f"the folder {folder.parent} was deleted while the search index was built there; "
            "nothing is lost (it holds derived data): run the command again"
        ) from exc


def _build(
    catalog: Catalog, folder: Path, progress: Progress | None
) -> tuple[dict[str, Entry], str | None]:
    ix = whoosh_index().create_in(str(folder), make_schema())
    fieldtypes.prepare_build()  # before the workers fork
    notes = sources(catalog)
    total = len(notes)
    workers = min(os.cpu_count() or 1, 8) if total >= PARALLEL_MIN else 1
    chunks = _chunks(catalog, notes, workers)
    workers = min(workers, len(chunks))
    root = catalog.vault.root
    language = language_of(root, notes)
    files: dict[str, Entry] = {}
    segments = []
    done = 0
    if progress and total:
        progress(0, total)
    jobs = [(str(folder), str(root), chunk, language) for chunk in chunks]
    if workers < 2:
        results = map(_build_chunk, jobs)
        pool = None
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: the workers start in milliseconds with vault and whoosh already imported.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        results = pool.map(_build_chunk, jobs)
    try:
        for segment, written, count in results:
            if segment is not None:
                segments.append(segment)
            files.update(written)
            done += count
            if progress:
                progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    _commit_segments(ix, segments)
    return files, language


def _chunks(catalog: Catalog, notes: list[Source], workers: int) -> list[list[Source]]:
    """Notes in chunks of at most REBUILD_CHUNK notes and about CHUNK_BYTES of Markdown, as
    many as a multiple of the workers, each taking every n-th note: every chunk then has its
    share of long and short notes, and the workers finish together."""
    root = catalog.vault.root
    size = 0
    for src in notes:
        try:
            size += os.stat(root / src.id).st_size
        except OSError:
            pass
    count = max(1, -(-len(notes) // REBUILD_CHUNK), -(-size // CHUNK_BYTES))
    if count > 1 and workers > 1:
        count = -(-count // workers) * workers
    return [chunk for chunk in (notes[k::count] for k in range(count)) if chunk]


def _build_chunk(job) -> tuple[object | None, dict[str, Entry], int]:
    """In a worker: one segment of the notes of a chunk, not yet in any table of contents."""
    folder, root, chunk, language = job
    ix = whoosh_index().open_dir(folder)
    writer = segment_writer(ix, _lk=False)  # no lock: the parent holds it
    files: dict[str, Entry] = {}
    words: Counter = Counter()
    base = Path(root)
    try:
        for src in chunk:
            made = prepare(base, src, language)
            if made is None:
                continue
            doc, entry, vocab = made
            writer.add_document(**doc)
            words.update(vocab)
            files[src.id] = entry
        if not files:
            writer._close_segment()
            return None, files, len(chunk)
        writer.add_document(**vocabulary_doc(words))
        # The segment's files are complete; the parent names it in the table of contents.
        segment = writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
    return segment, files, len(chunk)


def segment_writer(ix, **options):
    """A BuildWriter on `ix` (see the module's docstring); `options` as Whoosh's
    SegmentWriter takes them (its lock: `timeout`, `delay`, `_lk=False` for none). What it
    writes is what Whoosh's own writer would, faster; deleting documents is Whoosh's. Its
    commit must not merge: Whoosh's merge adds the merged segments' postings to a pool this
    writer does not write (`add_reader` says so rather than lose them)."""
    from itertools import chain, repeat

    from whoosh.util.numeric import byte_to_length, length_to_byte
    from whoosh.writing import SegmentWriter

    class BuildWriter(SegmentWriter):
        def __init__(self):
            super().__init__(ix, **{"compound": COMPOUND, **options})
            # field -> term -> ([docnums], [weights], [posting values]); docnums ascend.
            # Terms of analysed texts are str until written (UTF-8 sorts as str does), the
            # others bytes; a field gets one kind or the other.
            self.postings: dict[str, dict[str, tuple[list, list, list]]] = {}
            # (docnum, field) -> length, as the length column holds it (one byte, rounded).
            self.lengths: dict[tuple[int, str], int] = {}

        def add_document(self, **fields):
            docnum = self.docnum
            schema = self.schema
            perdoc = self.perdocwriter
            perdoc.start_doc(docnum)
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    terms = self.postings.setdefault(fieldname, {})
                    if isinstance(value, Analyzed):
                        length = _add_analysed(terms, docnum, field.format, value)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            slot = terms.get(tbytes)
                            if slot is None:
                                slot = terms[tbytes] = ([], [], [])
                            slot[0].append(docnum)
                            slot[1].append(weight)
                            slot[2].append(vbytes)
                            length += freq
                    if not field.scorable:
                        length = 0
                    elif length:
                        self.lengths[docnum, fieldname] = byte_to_length(length_to_byte(length))
                stored = value if field.stored and not isinstance(value, Analyzed) else None
                perdoc.add_field(fieldname, field, stored, length)
                if field.column_type is not None:
                    perdoc.add_column_value(
                        fieldname, field.column_type, field.to_column_value(value)
                    )
            perdoc.finish_doc()
            self._added = True
            self.docnum += 1

        def add_reader(self, reader):
            raise NotImplementedError("a BuildWriter cannot merge segments")

        def _flush_segment(self):
            self.perdocwriter.close()
            writer = self.fieldwriter
            ordered = [
                ((fieldname, term.encode("utf-8") if isinstance(term, str) else term), slot)
                for fieldname in sorted(self.postings)
                for term, slot in sorted(self.postings[fieldname].items())
            ]
            if _bulk_capable(writer):
                _write_bulk(writer, self.schema, self.lengths, ordered)
            else:  # another codec: posting by posting, as Whoosh does
                items = chain.from_iterable(
                    zip(repeat(fieldname), repeat(tbytes), *slot)
                    for (fieldname, tbytes), slot in ordered
                )
                writer.add_postings(self.schema, _Lengths(self.lengths), items)
            writer.close()
            self.postings.clear()

    return BuildWriter()


def _bulk_capable(writer) -> bool:
    """Whether `writer` is Whoosh 2.7's W3 field writer, whose block buffer _write_bulk
    fills and whose blocks _OneBlock writes (any other codec is written posting by
    posting)."""
    from whoosh.codec import whoosh3
    from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter, W3TermInfo

    return (
        type(writer) is W3FieldWriter
        and all(hasattr(W3PostingsWriter, n) for n in ("_write_block", "_new_block", "add_posting"))
        and all(hasattr(writer, n) for n in ("_tindex", "_postfile", "_fieldid"))
        and hasattr(W3TermInfo, "_struct")
        and hasattr(whoosh3, "WHOOSH3_HEADER_MAGIC")
    )


def _write_bulk(writer, schema, lengths: dict, ordered) -> None:
    """Each term's postings given to the W3 postings writer a block at a time: what
    FieldWriter.add_postings and W3PostingsWriter.add_posting do one posting at a time (a
    third of the time of a build), with the same blocks, statistics and bytes. A term whose
    postings fit in one block (all of them in an update's small segment) is written at once:
    the bytes W3PostingsWriter._write_block and W3TermInfo.to_bytes would write for it."""
    from array import array

    lastfield = None
    one_block = None
    for (fieldname, tbytes), (docnums, weights, values) in ordered:
        if fieldname != lastfield:
            if lastfield is not None:
                writer.finish_field()
            writer.start_field(fieldname, schema[fieldname])
            lastfield = fieldname
            post = writer._postwriter
            limit = post._blocklimit
            one_block = _OneBlock(writer, fieldname, schema[fieldname].format)
        if len(docnums) <= limit:
            one_block.write(tbytes, docnums, weights, values, lengths)
            continue
        one_block.at = None  # the postings file's position: told again after this term
        writer.start_term(tbytes)
        for start in range(0, len(docnums), limit):
            if start:  # a full block before this one: out it goes, as add_posting does
                post._write_block()
            ids = docnums[start : start + limit]
            post._ids = array("I", ids)
            post._weights = array("f", weights[start : start + limit])
            post._values = [v for v in values[start : start + limit] if v]
            post._maxweight = max(post._weights)
            known = [n for n in (lengths.get((d, fieldname)) for d in ids) if n]
            post._minlength = min(known) if known else None
            post._maxlength = max(known) if known else 0
        writer.finish_term()
    if lastfield is not None:
        writer.finish_field()


class _OneBlock:
    """Writes a term of one field whose postings fit in one block, as W3FieldWriter's
    start_term and finish_term would (W3PostingsWriter.start_postings, finish_postings and
    _write_block; W3TermInfo.add_block and to_bytes), without their objects per term: half
    of writing an update's segment was those calls."""

    def __init__(self, writer, fieldname: str, fmt):
        import zlib

        from whoosh.codec import whoosh3
        from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
        from whoosh.system import pack_int, pack_long, pack_ushort
        from whoosh.util.numeric import length_to_byte
        from whoosh.util.numlists import delta_encode

        self.tindex = writer._tindex
        self.postfile = writer._postfile
        self.key = pack_ushort(writer._fieldid)
        self.field = fieldname
        self.fixed = fmt.fixed_value_size()
        self.comp = writer._postwriter._compression
        # Where the postings file is (kept here: asking the file is a system call each time).
        self.at: int | None = None
        self.magic, self.terminfo = WHOOSH3_HEADER_MAGIC, W3TermInfo._struct.pack
        self.pack_int, self.pack_long, self.to_byte = pack_int, pack_long, length_to_byte
        # The codec's pickling (vault.search.imports makes it protocol 4), as its writer pickles.
        self.dumps, self.compress, self.delta = whoosh3.dumps, zlib.compress, delta_encode

    def write(self, tbytes: bytes, docnums: list, weights: list, values: list, lengths: dict):
        from array import array

        ids = array("I", docnums)
        wts = array("f", weights)  # as the block buffer holds them (single precision)
        maxweight = max(wts)
        field = self.field
        known = [n for n in (lengths.get((d, field)) for d in docnums) if n]
        minlength = min(known) if known else None
        maxlength = max(known) if known else 0
        # W3PostingsWriter._mini_weights and _mini_values
        if all(w == 1.0 for w in wts):
            mini_weights = None
        elif all(w == wts[0] for w in wts):
            mini_weights = wts[0]
        else:
            mini_weights = tuple(wts)
        kept = [v for v in values if v]
        fixed = self.fixed
        if fixed is None or fixed < 0:
            mini_values = tuple(kept)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(kept)
        data = self.dumps((tuple(self.delta(ids)), mini_weights, mini_values), 2)
        if self.comp:
            data = self.compress(data, self.comp)
        to_byte = self.to_byte
        info = self.dumps(
            (len(ids), ids[-1], maxweight, self.comp, to_byte(minlength), to_byte(maxlength)), 2
        )
        start = self.postfile.tell() if self.at is None else self.at
        block = self.magic + self.pack_int(-(len(info) + len(data))) + info + data
        self.postfile.write(block)
        self.at = start + len(block)
        extent = self.pack_long(start) + self.pack_int(len(block))
        stats = self.terminfo(
            False, 0 + sum(wts), len(ids), to_byte(minlength), to_byte(maxlength),
            max(0, maxweight), ids[0], ids[-1],
        )  # fmt: skip
        self.tindex.add(self.key + tbytes, stats + extent)


def _add_analysed(terms: dict, docnum: int, fmt, value: Analyzed) -> int:
    """Add an analysed text's postings (what field.index() would give) to `terms`; its
    length."""
    boost, encode = fmt.field_boost, fmt.encode
    length = 0
    for term, poslist in value.positions.items():
        n = len(poslist)
        slot = terms.get(term)
        if slot is None:
            slot = terms[term] = ([], [], [])
        slot[0].append(docnum)
        slot[1].append(n * boost)
        slot[2].append(encode(poslist))
        length += n
    return length


class _Lengths:
    """Document field lengths for FieldWriter.add_postings, from memory."""

    def __init__(self, lengths: dict[tuple[int, str], int]):
        self.get = lengths.get

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.get((docnum, fieldname), default)


def _commit_segments(ix, segments: list) -> None:
    """Write the table of contents naming `segments` (what MpWriter does for the segments
    its sub-writers wrote)."""
    writer = ix.writer()
    try:
        writer._close_segment()  # its own segment stays empty
        writer._commit_toc(segments)
    finally:
        writer._finish()
