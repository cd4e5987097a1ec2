// SPDX-License-Identifier: Apache-2.0
#include "yamlwriter.h"

#include "yamldocument.h"

#include <QJsonArray>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace Flightdeck::Catalog {

namespace {

void emitString(YAML::Emitter& out, const QString& s)
{
    const std::string text = s.toStdString();
    if (s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')) && !s.startsWith(QLatin1Char(' '))) {
        out << YAML::Literal << text;
        return;
    }
    const bool ambiguous = text.empty() || resolvePlainScalar(text).type != YamlType::String;
    if (ambiguous)
        out << YAML::DoubleQuoted << text;
    else
        out << text;
}

void emit(YAML::Emitter& out, const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: out << YAML::Null; break;
    case QJsonValue::Bool: out << v.toBool(); break;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == std::floor(d) && std::fabs(d) < 9.0e15)
            out << static_cast<long long>(d);
        else
            out << d;
        break;
    }
    case QJsonValue::String: emitString(out, v.toString()); break;
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        if (a.isEmpty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            break;
        }
        out << YAML::BeginSeq;
        for (const QJsonValue& item : a)
            emit(out, item);
        out << YAML::EndSeq;
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        if (o.isEmpty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            break;
        }
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key;
            emitString(out, it.key());
            out << YAML::Value;
            emit(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    }
}

} // namespace

QByteArray toYaml(const QJsonValue& value)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    emit(out, value);
    QByteArray bytes(out.c_str(), qsizetype(out.size()));
    bytes += '\n';
    return bytes;
}

} // namespace Flightdeck::Catalog
