package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// decodeJSON reads the request body into v. Unknown fields and malformed JSON answer 400
// with the offending field named, so a client's mistake is never silently ignored.
func decodeJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.New(apperr.Invalid, "Brak treści żądania (oczekiwano JSON).")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			return apperr.InvalidFields(apperr.Field(typeErr.Field, fmt.Sprintf("Nieprawidłowy typ wartości (oczekiwano %s).", typeErr.Type)))
		case errors.As(err, &syntaxErr):
			return apperr.New(apperr.Invalid, "Nieprawidłowy JSON (pozycja %d).", syntaxErr.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.InvalidFields(apperr.Field(field, "Nieznane pole."))
		default:
			return apperr.New(apperr.Invalid, "Nieprawidłowy JSON.")
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "Po obiekcie JSON są dodatkowe dane.")
	}
	return nil
}

// listResponse is the shape of every list: {"data": [...], "next_cursor": ...}.
type listResponse[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}
