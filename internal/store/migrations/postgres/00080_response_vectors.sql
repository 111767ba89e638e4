-- Each labelled comment's sentence vector (issue 16), kept beside it so
-- that retraining the comment classifier after a restart does not encode
-- every comment again: the encoder costs about 2.4 ms of a core a comment,
-- 20,000 comments about 24 s. Keep in step with
-- ../sqlite/00080_response_vectors.sql and internal/store/responses.go.
--
-- vector is text.StoredSentenceVector's bytes (an encoder tag, then the
-- float32s); a row whose tag is not the running encoder's is encoded
-- again and overwritten. The row goes when the comment changes, erasure
-- included, or the response is deleted: a vector is derived from the
-- customer's words and must not outlive them.

-- +goose Up
CREATE TABLE response_vectors (
    response_id BIGINT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    vector      BYTEA NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION response_vectors_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM response_vectors WHERE response_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER response_vectors_comment AFTER UPDATE OF comment ON responses
    FOR EACH ROW WHEN (NEW.comment IS DISTINCT FROM OLD.comment)
    EXECUTE FUNCTION response_vectors_comment();

-- +goose Down
DROP TRIGGER response_vectors_comment ON responses;
DROP FUNCTION response_vectors_comment();
DROP TABLE response_vectors;
