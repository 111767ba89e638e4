-- Each labelled comment's sentence vector (issue 16), kept beside it so
-- that retraining the comment classifier after a restart does not encode
-- every comment again: the encoder costs about 2.4 ms of a core a comment,
-- 20,000 comments about 24 s. Keep in step with
-- ../postgres/00080_response_vectors.sql and internal/store/responses.go.
--
-- vector is text.StoredSentenceVector's bytes (an encoder tag, then the
-- float32s); a row whose tag is not the running encoder's is encoded
-- again and overwritten. The row goes when the comment changes, erasure
-- included, or the response is deleted: a vector is derived from the
-- customer's words and must not outlive them.

-- +goose Up
CREATE TABLE response_vectors (
    response_id INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    vector      BLOB NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER response_vectors_comment AFTER UPDATE OF comment ON responses
WHEN NEW.comment IS NOT OLD.comment
BEGIN DELETE FROM response_vectors WHERE response_id = NEW.id; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER response_vectors_comment;
DROP TABLE response_vectors;
