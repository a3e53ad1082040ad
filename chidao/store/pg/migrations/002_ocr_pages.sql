-- Pages read by OCR: word boxes (JSON), quality, and the page image the viewer highlights on.
CREATE TABLE ocr_pages(
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL,
    confidence REAL NOT NULL, valid_share REAL NOT NULL, low_quality INTEGER NOT NULL, angle REAL NOT NULL,
    words TEXT NOT NULL,
    image BYTEA,
    PRIMARY KEY (doc_id, page)
);
