package text

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
)

// A sentence vector file keeps comments' sentence vectors between runs of
// `fresco text`, so that a second run on the same comments does not
// encode them again (about 12 s for 10,000 comments on 2 cores). It is a
// run of records: the SHA-256 of a comment, then the comment's
// StoredSentenceVector bytes. The comments themselves are not in it.

// sentenceRecordSize is the length of one record.
var sentenceRecordSize = sha256.Size + len(storedVectorTag) + 4*sentenc.Dims

// ReadSentenceVectors remembers, for each of texts, the vector r holds for
// it, and returns for how many of texts (a repeated text counting each
// time) it found one. Records of another encoder are
// skipped: the texts they were for are encoded again when needed. The
// error names the byte where a record is cut short.
func ReadSentenceVectors(r io.Reader, texts []string) (int, error) {
	byHash := make(map[[sha256.Size]byte][]string, len(texts))
	for _, t := range texts {
		h := sha256.Sum256([]byte(t))
		byHash[h] = append(byHash[h], t)
	}
	br, record, found := bufio.NewReader(r), make([]byte, sentenceRecordSize), 0
	for offset := 0; ; offset += sentenceRecordSize {
		_, err := io.ReadFull(br, record)
		switch {
		case errors.Is(err, io.EOF):
			return found, nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			return found, fmt.Errorf("the record at byte %d is cut short (records are %d bytes)", offset, sentenceRecordSize)
		case err != nil:
			return found, err
		}
		for _, t := range byHash[[sha256.Size]byte(record[:sha256.Size])] {
			if RememberSentenceVector(t, record[sha256.Size:]) {
				found++
			}
		}
	}
}

// WriteSentenceVectors writes a record for each distinct one of texts,
// encoding those whose vectors are not cached.
func WriteSentenceVectors(w io.Writer, texts []string) error {
	texts = slices.Compact(slices.Sorted(slices.Values(texts)))
	sentenceVectors(texts) // the missing ones encoded in one batch
	bw := bufio.NewWriter(w)
	for _, t := range texts {
		h := sha256.Sum256([]byte(t))
		bw.Write(h[:])
		bw.Write(StoredSentenceVector(t))
	}
	return bw.Flush()
}
