-- chidao on PostgreSQL + pgvector: schema version 1.
-- The same tables as the SQLite manifest (chidao/store/layout.py: SCHEMA), plus what the files of a
-- generation hold there: chunk vectors (pgvector, HNSW index created once the model's dimension is
-- known), BM25 term statistics (postings), the embedding cache, the ingest queue and a generation
-- counter that readers poll. Sorted text columns use the "C" collation: the same order as SQLite's.

CREATE TABLE store_meta(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE store_state(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO store_state(id, generation) VALUES (1, 0);

CREATE TABLE documents(
    doc_id TEXT PRIMARY KEY,
    source TEXT COLLATE "C" NOT NULL,
    format TEXT NOT NULL,
    number TEXT, number_key TEXT, year INTEGER,
    type TEXT, issuer TEXT, place TEXT, date TEXT COLLATE "C", title TEXT, signer TEXT,
    text TEXT NOT NULL,
    page_starts TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
);
CREATE INDEX documents_number ON documents(number_key);

CREATE TABLE sources(
    path TEXT COLLATE "C" PRIMARY KEY,
    source TEXT COLLATE "C" NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    file_hash TEXT NOT NULL,
    size BIGINT NOT NULL,
    mtime DOUBLE PRECISION NOT NULL
);
CREATE INDEX sources_doc ON sources(doc_id);

CREATE TABLE chunks(
    id BIGSERIAL PRIMARY KEY,
    chunk_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    section TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER, page_end INTEGER,
    embed_hash TEXT NOT NULL,
    tokens TEXT NOT NULL,
    length INTEGER NOT NULL,          -- number of lexical tokens (BM25 document length)
    embedding vector NOT NULL         -- typed vector(dim) by the first writer (chidao/store/pg/writer.py)
);
CREATE INDEX chunks_doc ON chunks(doc_id);

-- BM25 term statistics: one row per (token, chunk) with the token's count in the chunk.
CREATE TABLE postings(
    term TEXT NOT NULL,
    chunk_id BIGINT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    tf INTEGER NOT NULL,
    PRIMARY KEY (term, chunk_id) INCLUDE (tf)
);
CREATE INDEX postings_chunk ON postings(chunk_id);

CREATE TABLE citations(
    id BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number TEXT NOT NULL, key TEXT NOT NULL, year INTEGER,
    type TEXT, date TEXT, context TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX citations_doc ON citations(doc_id);
CREATE INDEX citations_key ON citations(key);

CREATE TABLE assignments(
    id BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    agency TEXT COLLATE "C" NOT NULL, agency_text TEXT NOT NULL,
    role TEXT NOT NULL, task TEXT NOT NULL, deadline TEXT, section TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX assignments_doc ON assignments(doc_id);
CREATE INDEX assignments_agency ON assignments(agency);

-- Passage embeddings by (model, text hash); written outside the document transactions so that a
-- killed worker's embeddings are reused by the worker that claims its file again.
CREATE TABLE embeddings(
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    vec vector NOT NULL,
    PRIMARY KEY (model, hash)
);

-- Files waiting to be indexed; a worker claims one with FOR UPDATE SKIP LOCKED inside the
-- transaction that stores its document, so a killed worker's file is claimed again.
CREATE TABLE ingest_queue(
    path TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    queued TIMESTAMPTZ NOT NULL DEFAULT now()
);
