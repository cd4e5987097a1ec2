// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diagnostic.h"
#include "yamldocument.h"

#include <QString>
#include <QStringView>

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
} // namespace FieldFormat

// Backstage's processing pipeline, split where placeholder substitution happens (SPEC A2):
//
//   validateEnvelope  ->  substitute $text/$json/$yaml  ->  validateEntity
//
// Both append diagnostics naming file, line, column, entity, field, what is wrong and what to
// do, and return false when Backstage would reject the entity. Warnings never reject.

// Stage 1: apiVersion and kind are non-empty strings, metadata is an object with a non-empty
// string name (and namespace, when present).
bool validateEnvelope(YamlValue root, const QString& file, Diagnostics& out);

// Stages 2-3: the entity policies (full Entity schema, no foreign root fields, field formats) and
// the kind schema of the nine built-in kinds, in Backstage's order; then the warnings Backstage
// does not give (annotation key typos, deprecated fields and annotations). entityKey is the
// canonical ref for the diagnostics' entity field.
bool validateEntity(YamlValue root, const QString& file, const QString& entityKey, Diagnostics& out);

} // namespace Flightdeck::Catalog
