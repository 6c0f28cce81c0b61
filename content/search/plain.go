package search

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// markdownParser only parses (nothing is rendered), with the GFM syntax articles use.
var markdownParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// PlainText returns the readable text of Markdown (what snippets show, without syntax,
// link targets or HTML) and, separately, the text of its headings (indexed with a higher
// weight). Blocks are separated by newlines.
func PlainText(md string) (plain string, headings string) {
	src := []byte(md)
	doc := markdownParser.Parse(text.NewReader(src))
	var body, heads strings.Builder
	var walk func(n ast.Node, inHeading bool)
	walk = func(n ast.Node, inHeading bool) {
		switch v := n.(type) {
		case *ast.Text:
			seg := v.Segment.Value(src)
			body.Write(seg)
			if inHeading {
				heads.Write(seg)
			}
			if v.SoftLineBreak() || v.HardLineBreak() {
				body.WriteByte(' ')
				if inHeading {
					heads.WriteByte(' ')
				}
			}
			return
		case *ast.String:
			body.Write(v.Value)
			return
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				body.Write(seg.Value(src))
			}
			body.WriteByte('\n')
			return
		case *ast.HTMLBlock, *ast.RawHTML:
			return
		case *ast.AutoLink:
			body.Write(v.Label(src))
			return
		case *ast.Heading:
			inHeading = true
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c, inHeading)
		}
		switch n.(type) {
		case *east.TableCell:
			body.WriteString(" ")
		case *ast.Heading:
			heads.WriteByte('\n')
			body.WriteByte('\n')
		default:
			if n.Type() == ast.TypeBlock && n.Kind() != ast.KindDocument {
				if s := body.String(); len(s) > 0 && s[len(s)-1] != '\n' {
					body.WriteByte('\n')
				}
			}
		}
	}
	walk(doc, false)
	return strings.TrimSpace(squeezeSpaces(body.String())), strings.TrimSpace(heads.String())
}

// squeezeSpaces collapses runs of spaces and tabs and drops trailing spaces on lines.
func squeezeSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t':
			space = true
			continue
		case '\n':
			space = false
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
