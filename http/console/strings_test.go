package console

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestStringsDefined: every string key a template or the Go code names
// literally is in the English catalogue, so no person ever reads a
// "[key]" placeholder. Keys built at run time (printf "hit.do.%s") are
// covered by the pages' own tests, which fail on a placeholder.
func TestStringsDefined(t *testing.T) {
	cat, err := loadCatalog(files, "locales/en")
	if err != nil {
		t.Fatal(err)
	}
	if len(cat) < 100 {
		t.Fatalf("the catalogue has %d strings: not loaded?", len(cat))
	}
	uses := map[string][]string{}
	tmplKey := regexp.MustCompile(`\bt "([a-zA-Z0-9_.]+)"`)
	err = fs.WalkDir(files, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			uses[m[1]] = append(uses[m[1]], path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	goKey := regexp.MustCompile(`text\.T\("([a-zA-Z0-9_.]+)"`)
	goFiles, _ := filepath.Glob("*.go")
	for _, path := range goFiles {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			uses[m[1]] = append(uses[m[1]], path)
		}
	}
	if len(uses) < 100 {
		t.Fatalf("found %d keys in use: the patterns no longer match the code", len(uses))
	}
	for key, where := range uses {
		if strings.HasSuffix(key, ".") {
			continue // a prefix completed at run time ("hits.view." + view)
		}
		if _, ok := cat[key]; !ok {
			t.Errorf("string %q (used in %v) is not in locales/en", key, where)
		}
	}
}

// TestCatalogDuplicate: a key defined in two files is refused at start.
func TestCatalogDuplicate(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "en"), 0o755)
	os.WriteFile(filepath.Join(dir, "en", "a.json"), []byte(`{"x.y": "one"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "en", "b.json"), []byte(`{"x.y": "two"}`), 0o644)
	if _, err := loadCatalog(os.DirFS(dir), "en"); err == nil {
		t.Fatal("a key defined twice was accepted")
	}
}
