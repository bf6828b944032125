-- a difficulty's raising agency as the document wrote it
-- A difficulty table's "Cơ quan nêu" cell may name a group, a list or an agency the registry
-- does not know; the row is kept with the phrase as written and no registry agency, shown as
-- not yet identified, instead of refusing the whole file.
ALTER TABLE difficulties ALTER COLUMN raising_agency_id DROP NOT NULL;
ALTER TABLE difficulties ADD COLUMN raising_agency_raw TEXT;
