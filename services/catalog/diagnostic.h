// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Flightdeck::Catalog {

enum class Severity { Error, Warning };

// One finding about the catalog, precise enough to fix without guessing: where (file, line,
// column), about what (entity ref, field path), what is wrong, and what to do.
struct Diagnostic
{
    Severity severity = Severity::Error;
    QString file;     // absolute path, URL, or "backstage+http://host/…" for remote entities
    int line = 0;     // 1-based; 0 when the finding is about the whole file
    int column = 0;
    QString entity;   // canonical ref (kind:namespace/name) when known
    QString field;    // dotted path, e.g. "spec.owner" or "metadata.tags.0"
    QString message;  // what is wrong
    QString hint;     // what to do about it
    QString code;     // stable identifier, e.g. "yaml-syntax", "field-format", "kind-schema"
    QString backstage; // the message Backstage itself gives for the same problem, when it rejects it too

    bool isError() const { return severity == Severity::Error; }
    QJsonObject toJson() const;
    // "file:line:column: error: message [entity, field]\n    hint"
    QString toText() const;
    friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

using Diagnostics = QList<Diagnostic>;

QString severityName(Severity s);

} // namespace Flightdeck::Catalog
