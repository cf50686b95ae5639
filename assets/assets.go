// Package assets holds the files Relais embeds in its binary: the
// application icon, the translation files, the procedure catalogue and the
// bundled guides. It exposes raw bytes only and never imports Fyne, so
// domain packages may use it too.
package assets

import "embed"

// Translations holds translations/*.json: the interface strings (fr.json,
// en.json) and the messages of domain problems (problems.fr.json,
// problems.en.json), in go-i18n's flat JSON format.
//
//go:embed translations
var Translations embed.FS

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// Guides holds guides/: the step-by-step guides shipped with Relais
// (*.md in the format of guides/FORMAT.md) and the images beside them, read
// by guides.Library.LoadBundled through guides.Bundled.
//
//go:embed guides
var Guides embed.FS

// Procedures is the catalogue of online procedures (procedures.json), read by
// the appointments package.
//
//go:embed procedures.json
var Procedures []byte
