-- how each committee signs its documents: place, symbol, signer, recipients
-- Each committee's way of issuing its reports (tiendo_domain::signing::Signing); recipients
-- one per line. A committee without a row uses the usual form.
CREATE TABLE signings (
    committee_id BIGINT PRIMARY KEY REFERENCES committees(id),
    place TEXT NOT NULL,
    symbol TEXT NOT NULL,
    authority TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    recipients TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
