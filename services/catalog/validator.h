// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diagnostic.h"
#include "yamldocument.h"

#include <QString>
#include <QStringView>

#include <string_view>

namespace Flightdeck::Catalog {

// The field format rules of @backstage/catalog-model 1.10.1 (makeValidator(), SPEC A3.2).
namespace FieldFormat {
bool isValidApiVersion(QStringView value);
bool isValidKind(QStringView value);
bool isValidEntityName(QStringView value);
bool isValidNamespace(QStringView value);
bool isValidLabelKey(QStringView value);
bool isValidLabelValue(QStringView value);
bool isValidAnnotationKey(QStringView value);
bool isValidTag(QStringView value);
bool isValidUrl(QStringView value); // WHATWG URL parse succeeds (absolute, any scheme)
bool isValidDnsLabel(QStringView value);
bool isValidDnsSubdomain(QStringView value);
bool isNonEmptyString(QStringView value); // links[].title and .icon: not empty after JavaScript's trim()

// The same rules on UTF-8 text as the YAML tree stores it, so the hot path converts nothing.
bool isValidApiVersion(std::string_view utf8);
bool isValidKind(std::string_view utf8);
bool isValidEntityName(std::string_view utf8);
bool isValidNamespace(std::string_view utf8);
bool isValidLabelKey(std::string_view utf8);
bool isValidLabelValue(std::string_view utf8);
bool isValidAnnotationKey(std::string_view utf8);
bool isValidTag(std::string_view utf8);
bool isValidUrl(std::string_view utf8);
bool isValidDnsLabel(std::string_view utf8);
bool isValidDnsSubdomain(std::string_view utf8);
bool isNonEmptyString(std::string_view utf8);

// The same rules on any YAML value: false for anything that is not a string, as Backstage's
// typeof checks (a number 7 is not a valid name, even though "7" is).
bool isValidApiVersion(YamlValue value);
bool isValidKind(YamlValue value);
bool isValidEntityName(YamlValue value);
bool isValidNamespace(YamlValue value);
bool isValidLabelKey(YamlValue value);
bool isValidLabelValue(YamlValue value);
bool isValidAnnotationKey(YamlValue value);
bool isValidAnnotationValue(YamlValue value); // typeof value === "string", any length
bool isValidTag(YamlValue value);
bool isValidUrl(YamlValue value);
bool isNonEmptyString(YamlValue value);
} // namespace FieldFormat

// Backstage's processing pipeline, split where placeholder substitution happens (SPEC A2):
//
//   validateEnvelope  ->  substitute $text/$json/$yaml  ->  validateEntity
//
// Both append diagnostics naming file, line, column, entity, field, what is wrong and what to
// do, and return false when Backstage would reject the entity. Warnings never reject.

// Stage 1: apiVersion and kind are non-empty strings, metadata is an object with a non-empty
// string name (and namespace, when present). An empty document (null root) gives false and no
// diagnostic, since Backstage skips it silently.
bool validateEnvelope(YamlValue root, const QString& file, Diagnostics& out);

// Stages 2-3: the entity policies (full Entity schema, no foreign root fields, field formats) and
// the kind schema of the nine built-in kinds, in Backstage's order; then the warnings Backstage
// does not give (annotation key typos, deprecated fields and annotations). entityKey is the
// canonical ref for the diagnostics' entity field.
//
// Where Backstage stops at the first problem, this reports every problem it finds, each once.
// Call it only after validateEnvelope succeeded: on a root that fails the envelope it returns false
// and adds nothing, since validateEnvelope has already said why.
//
// Both functions are reentrant and thread-safe; the schemas are compiled once, on first use.
bool validateEntity(YamlValue root, const QString& file, const QString& entityKey, Diagnostics& out);

} // namespace Flightdeck::Catalog
