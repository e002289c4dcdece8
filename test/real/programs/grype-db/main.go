// Command grype-db writes the tiny grype v6 vulnerability database the real-tool tests scan
// against, with grype's own v6 store writer (the code `grype db` builds and reads with), then
// installs it the way `grype db import` does, so grype can run fully offline:
//
//	grype-db -dir <GRYPE_DB_CACHE_DIR> [-built 2026-01-02T03:04:05Z] [-listing <dir>]
//
// leaves <dir>/6/vulnerability.db and <dir>/6/import.json. -built backdates the database (for the
// age check); -listing also publishes it as grype's database server does, <dir>/v6/latest.json
// beside the archive it names (serve <dir> and point GRYPE_DB_UPDATE_URL at it).
//
// Every advisory here is made up for tests: the IDs are in the year 2099 (CVE-2099-*) or carry
// letters real GitHub advisory IDs never use (GHSA-*-test-*), so no finding can be mistaken for a
// real vulnerability. They are written against the image test/real/harness/image.ts builds:
//
//	package (Debian 12)        amd64                 arm64
//	libssl3 (source openssl)   3.0.11-1~deb12u2      3.0.9-1
//	zlib1g (source zlib)       1:1.2.13.dfsg-1       1:1.2.13.dfsg-1
//	tzdata                     2024a-0+deb12u1       2024a-0+deb12u1
//	npm lodash                 4.17.21               4.17.20
//	npm minimist               1.2.8                 1.2.8
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	v6 "github.com/anchore/grype/grype/db/v6"
	v6build "github.com/anchore/grype/grype/db/v6/build"
	"github.com/anchore/grype/grype/db/v6/distribution"
	"github.com/anchore/grype/grype/db/v6/installation"
)

// Advisory is one made-up vulnerability and the one package it affects.
type Advisory struct {
	ID        string
	Aliases   []string
	Provider  string
	Severity  string
	Summary   string
	Ecosystem string // "deb" (with the Debian 12 OS) or "npm"
	Package   string // for deb: the source package, which grype's dpkg matcher also searches by
	Format    string // version format: "dpkg" or "semver"
	// Constraint of the affected versions; empty means every version.
	Constraint string
	Fix        v6.Fix
}

// Advisories is what each platform of the test image is judged against:
//   - CVE-2099-0001 critical, openssl < 3.0.11-1~deb12u1: arm64 only (its libssl3 is 3.0.9-1);
//   - GHSA-2099-test-0002 high, lodash < 4.17.21: arm64 only (its lodash is 4.17.20);
//   - CVE-2099-0003 high, zlib, every version, won't fix: both platforms, dropped by only-fixed;
//   - CVE-2099-0004 low, minimist < 1.2.9: both platforms, below the default cutoff;
//   - CVE-2099-0005 negligible, tzdata < 2023c-0+deb12u1: neither platform (a range that must not match).
var Advisories = []Advisory{
	{
		ID: "CVE-2099-0001", Provider: "debian", Severity: "critical",
		Summary:   "Test-only advisory: made-up openssl flaw fixed in 3.0.11-1~deb12u1.",
		Ecosystem: "deb", Package: "openssl", Format: "dpkg",
		Constraint: "< 3.0.11-1~deb12u1",
		Fix:        v6.Fix{Version: "3.0.11-1~deb12u1", State: v6.FixedStatus},
	},
	{
		ID: "GHSA-2099-test-0002", Aliases: []string{"CVE-2099-0002"}, Provider: "github", Severity: "high",
		Summary:   "Test-only advisory: made-up lodash flaw fixed in 4.17.21.",
		Ecosystem: "npm", Package: "lodash", Format: "semver",
		Constraint: "<4.17.21",
		Fix:        v6.Fix{Version: "4.17.21", State: v6.FixedStatus},
	},
	{
		ID: "CVE-2099-0003", Provider: "debian", Severity: "high",
		Summary:   "Test-only advisory: made-up zlib flaw Debian will not fix.",
		Ecosystem: "deb", Package: "zlib", Format: "dpkg",
		Constraint: "",
		Fix:        v6.Fix{State: v6.WontFixStatus},
	},
	{
		ID: "CVE-2099-0004", Provider: "github", Severity: "low",
		Summary:   "Test-only advisory: made-up minimist flaw fixed in 1.2.9.",
		Ecosystem: "npm", Package: "minimist", Format: "semver",
		Constraint: "<1.2.9",
		Fix:        v6.Fix{Version: "1.2.9", State: v6.FixedStatus},
	},
	{
		ID: "CVE-2099-0005", Provider: "debian", Severity: "negligible",
		Summary:   "Test-only advisory: made-up tzdata flaw fixed long before the image's version.",
		Ecosystem: "deb", Package: "tzdata", Format: "dpkg",
		Constraint: "< 2023c-0+deb12u1",
		Fix:        v6.Fix{Version: "2023c-0+deb12u1", State: v6.FixedStatus},
	},
}

var debian12 = v6.OperatingSystem{Name: "debian", ReleaseID: "debian", MajorVersion: "12", Codename: "bookworm"}

func main() {
	dir := flag.String("dir", "", "grype's database root (GRYPE_DB_CACHE_DIR); the database lands in <dir>/6/")
	built := flag.String("built", "", "RFC 3339 build time to record instead of now (to test the age check)")
	listing := flag.String("listing", "", "also publish the database in <listing>/v6/ (latest.json and its archive)")
	flag.Parse()
	if *dir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: grype-db -dir <GRYPE_DB_CACHE_DIR> [-built <RFC 3339 time>] [-listing <dir>]")
		os.Exit(2)
	}
	var builtAt *time.Time
	if *built != "" {
		t, err := time.Parse(time.RFC3339, *built)
		if err != nil {
			fail(fmt.Errorf("-built: %w", err))
		}
		t = t.UTC()
		builtAt = &t
	}
	if err := run(*dir, builtAt, *listing); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "grype-db:", err)
	os.Exit(1)
}

func run(dir string, builtAt *time.Time, listing string) error {
	scratch, err := os.MkdirTemp("", "grype-db-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	if err := write(scratch, builtAt); err != nil {
		return err
	}
	dbFile := filepath.Join(scratch, v6.VulnerabilityDBFileName)
	if listing != "" {
		if err := publish(scratch, filepath.Join(listing, fmt.Sprintf("v%d", v6.ModelVersion))); err != nil {
			return fmt.Errorf("publishing the database in %s: %w", listing, err)
		}
	}
	// What `grype db import <file>.db` does: hydrate (indexes), record the digest in import.json,
	// and move the result to <dir>/6/.
	curator, err := installation.NewCurator(installation.Config{DBRootDir: dir, ValidateChecksum: true}, nil)
	if err != nil {
		return err
	}
	if err := curator.Import(dbFile); err != nil {
		return fmt.Errorf("importing the database into %s: %w", dir, err)
	}
	return nil
}

func write(dir string, builtAt *time.Time) error {
	store, err := v6.NewWriter(v6.Config{DBDirPath: dir})
	if err != nil {
		return fmt.Errorf("creating the database: %w", err)
	}
	captured := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	published := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range Advisories {
		vuln := &v6.VulnerabilityHandle{
			Name:          a.ID,
			Status:        v6.VulnerabilityActive,
			PublishedDate: &published,
			ProviderID:    a.Provider,
			Provider: &v6.Provider{
				ID:           a.Provider,
				Version:      "1",
				Processor:    "release-actions test/real/programs/grype-db",
				DateCaptured: &captured,
			},
			BlobValue: &v6.VulnerabilityBlob{
				ID:          a.ID,
				Description: a.Summary,
				Aliases:     a.Aliases,
				References:  []v6.Reference{{URL: "https://example.invalid/advisories/" + a.ID}},
				Severities:  []v6.Severity{{Scheme: v6.SeveritySchemeCHMLN, Value: a.Severity, Rank: 1}},
			},
		}
		if err := store.AddVulnerabilities(vuln); err != nil {
			return fmt.Errorf("adding %s: %w", a.ID, err)
		}
		affected := &v6.AffectedPackageHandle{
			VulnerabilityID: vuln.ID,
			Package:         &v6.Package{Ecosystem: a.Ecosystem, Name: a.Package},
			BlobValue: &v6.PackageBlob{
				CVEs: append([]string{}, a.Aliases...),
				Ranges: []v6.Range{{
					Version: v6.Version{Type: a.Format, Constraint: a.Constraint},
					Fix:     &a.Fix,
				}},
			},
		}
		if a.Ecosystem == "deb" {
			os := debian12
			affected.OperatingSystem = &os
		}
		if err := store.AddAffectedPackages(affected); err != nil {
			return fmt.Errorf("adding the package %s of %s: %w", a.Package, a.ID, err)
		}
	}
	if err := store.Close(); err != nil {
		return fmt.Errorf("closing the database: %w", err)
	}
	if builtAt != nil {
		return backdate(filepath.Join(dir, v6.VulnerabilityDBFileName), *builtAt)
	}
	return nil
}

// backdate rewrites the build time the writer recorded (always "now").
func backdate(dbFile string, at time.Time) error {
	db, err := v6.NewLowLevelDB(dbFile, false, true, false)
	if err != nil {
		return err
	}
	if err := db.Model(&v6.DBMetadata{}).Where("true").Update("build_timestamp", at).Error; err != nil {
		return fmt.Errorf("recording the build time: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// publish packs the database with grype's own packager (the archive and the latest.json naming it,
// with its checksum) and moves both to dest.
func publish(dbDir, dest string) error {
	if err := v6build.CreateArchive(dbDir, "tar.gz", nil); err != nil {
		return err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dbDir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		name := entry.Name()
		if name == distribution.LatestFileName || strings.HasSuffix(name, ".tar.gz") {
			if err := os.Rename(filepath.Join(dbDir, name), filepath.Join(dest, name)); err != nil {
				return err
			}
		}
	}
	return nil
}
