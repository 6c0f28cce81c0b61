package apitest_test

import (
	"testing"

	"github.com/helpcenter/helpcenter/internal/api/apitest"
)

func TestDocumentLoads(t *testing.T) {
	v := apitest.NewValidator(t)
	if v.Doc.Paths.Find("/api/v1/articles") == nil {
		t.Fatal("the merged document lacks /api/v1/articles")
	}
}
