-- a letter's rule that no answer means a commitment
-- "Quá thời hạn trên, nếu không có văn bản trả lời thì được hiểu là cam kết hoàn thành 100%":
-- the rule as written, the answer date it counts from, and the day it was applied (each late
-- lead assignment of the document's tasks without a commitment by then got one, once).
ALTER TABLE documents ADD COLUMN silence_rule TEXT;
ALTER TABLE documents ADD COLUMN silence_answer_by TEXT;
ALTER TABLE documents ADD COLUMN silence_applied_on TEXT;
