-- the indicators an agency answers for, found by index
-- The reminders read the indicators one agency answers for (its focal point's inbox).
CREATE INDEX indicator_agencies_agency ON indicator_agencies(agency_id);
CREATE INDEX indicator_leads_agency ON indicator_leads(agency_id)
