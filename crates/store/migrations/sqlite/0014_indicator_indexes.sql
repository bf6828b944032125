-- returned indicator values and recent values found by index
-- Session 8: indicators and targets. An indicator (code, name, unit, kind, direction, lead
-- agencies, the document that set it, its life) is national (one figure, reported by its lead)
-- or by agency (each covered agency reports its own). Targets per period, common (`scope` '')
-- or for one agency. Values: for the nation (no agency) or one agency, the day they describe,
-- the text as written beside the figure read, who reported them, evidence; a correction is a
-- new row (the history stays); the standing agency confirms or returns agencies' values.
-- The book's marks count the returned values; an indicator's page lists its newest values.
CREATE INDEX indicator_values_returned ON indicator_values(state) WHERE state = 'returned';
CREATE INDEX indicator_values_recent ON indicator_values(indicator_id, as_of, id)
