package guides

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // guides show PNG and JPEG images
	_ "image/png"
	"strconv"

	"relais/store"
)

// Attachments: a guide's images, content-addressed (the id is the first 32
// hex digits of the SHA-256 of the bytes), so that a picture used by many
// guides or saved twice is stored once and every centre names it alike.
// A store record holds at most store.MaxBodySize of JSON, so an image is
// cut into parts: the first in the attachment record, the others in
// attachment_part records "<id>-<n>".
const (
	AttachmentKind     = "attachment"
	AttachmentPartKind = "attachment_part"
	// MaxImageSize bounds an image: a screenshot fits, a photo from a
	// phone should be reduced first.
	MaxImageSize = 2 << 20
	// partSize keeps a part, once in base64 inside JSON, well under the
	// store's record size.
	partSize = 512 << 10
)

// contentReplica is the replica id of attachments' version vectors: an
// attachment never changes, so every centre writes it with the same
// version and partners see equal records, never conflicting ones.
const contentReplica = 0x41545441434820 // "ATTACH "

type attachment struct {
	Type   string `json:"type"` // image/png or image/jpeg
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	Parts  int    `json:"parts"`
	Data   []byte `json:"data"` // the first part
}

type attachmentPart struct {
	Data []byte `json:"data"`
}

// checkImage checks that data is a PNG or JPEG image of a decent size and
// returns its attachment id.
func checkImage(file string, data []byte) (string, error) {
	if len(data) > MaxImageSize {
		return "", ErrImageTooLarge.With("file", file, "max", MaxImageSize>>10, "size", len(data)>>10)
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || (format != "png" && format != "jpeg") {
		return "", ErrNotAnImage.With("file", file).Because(err)
	}
	if !validImageName(file) {
		return "", ErrNotAnImage.With("file", file)
	}
	return attachmentID(data), nil
}

func attachmentID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

func partID(id string, n int) string { return id + "-" + strconv.Itoa(n) }

// putAttachment stores data as attachment id unless it is there already.
func putAttachment(tx *store.Tx, id string, data []byte) error {
	if r, err := tx.Get(AttachmentKind, id); err == nil && !r.Deleted {
		return nil
	}
	_, format, _ := image.DecodeConfig(bytes.NewReader(data))
	sum := sha256.Sum256(data)
	parts := max(1, (len(data)+partSize-1)/partSize)
	chunk := func(n int) []byte { return data[n*partSize : min((n+1)*partSize, len(data))] }
	a := attachment{Type: "image/" + format, Size: len(data), SHA256: hex.EncodeToString(sum[:]), Parts: parts, Data: chunk(0)}
	if err := applyFixed(tx, AttachmentKind, id, a); err != nil {
		return err
	}
	for n := 1; n < parts; n++ {
		if err := applyFixed(tx, AttachmentPartKind, partID(id, n), attachmentPart{Data: chunk(n)}); err != nil {
			return err
		}
	}
	return nil
}

// applyFixed writes a record that never changes with a fixed version.
func applyFixed[T any](tx *store.Tx, kind, id string, v T) error {
	body, err := encodeJSON(v)
	if err != nil {
		return err
	}
	_, err = tx.Apply(store.Record{Meta: store.Meta{
		Kind: kind, ID: id, Version: store.Vector{{ID: contentReplica, Value: 1}},
		ModifiedBy: contentReplica, Scope: store.ScopeNetwork,
	}, Body: body})
	return err
}

// readAttachment returns the bytes of attachment id, checked against its
// hash; a part not arrived yet from a partner gives store.ErrNotFound.
func readAttachment(db *store.DB, id string) ([]byte, error) {
	a, _, err := store.NewCollection[attachment](db, AttachmentKind).Get(id)
	if err != nil {
		return nil, err
	}
	if a.Parts < 1 || a.Size > MaxImageSize || a.Parts > MaxImageSize/partSize+1 {
		return nil, store.ErrDamaged.With("name", AttachmentKind+"/"+id)
	}
	data := append(make([]byte, 0, a.Size), a.Data...)
	parts := store.NewCollection[attachmentPart](db, AttachmentPartKind)
	for n := 1; n < a.Parts; n++ {
		p, _, err := parts.Get(partID(id, n))
		if err != nil {
			return nil, err
		}
		data = append(data, p.Data...)
	}
	sum := sha256.Sum256(data)
	if len(data) != a.Size || hex.EncodeToString(sum[:]) != a.SHA256 || attachmentID(data) != id {
		return nil, store.ErrDamaged.With("name", AttachmentKind+"/"+id)
	}
	return data, nil
}

// Image returns the bytes of the image file shown by guide guideID (its
// current version). An image not stored, or not yet arrived from the
// partner centres, gives ErrMissingImage.
func (l *Library) Image(guideID, file string) ([]byte, error) {
	if !idPattern.MatchString(guideID) {
		return nil, ErrUnknownGuide.With("id", guideID)
	}
	r, err := l.db.Get(Kind, guideID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownGuide.With("id", guideID).Because(err)
	}
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord(r)
	if err != nil {
		return nil, err
	}
	id, ok := rec.Images[file]
	if !ok {
		return nil, ErrMissingImage.With("guide", guideID, "file", file)
	}
	data, err := readAttachment(l.db, id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrDamaged) {
		return nil, ErrMissingImage.With("guide", guideID, "file", file).Because(err)
	}
	return data, err
}
