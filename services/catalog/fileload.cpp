// SPDX-License-Identifier: Apache-2.0
#include "loader.h"

#include <QFileInfo>
#include <QHash>

#include <algorithm>
#include <climits>
#include <string>

namespace Flightdeck::Catalog {

namespace {
QDataStream& operator<<(QDataStream& s, const FileStamp& f)
{
    return s << f.path << f.size << f.modified;
}
QDataStream& operator>>(QDataStream& s, FileStamp& f)
{
    return s >> f.path >> f.size >> f.modified;
}
QDataStream& operator<<(QDataStream& s, const Diagnostic& d)
{
    return s << quint8(d.severity) << d.file << qint32(d.line) << qint32(d.column) << d.entity << d.field << d.message
             << d.hint << d.code << d.backstage;
}
QDataStream& operator>>(QDataStream& s, Diagnostic& d)
{
    quint8 sev = 0;
    qint32 line = 0, column = 0;
    s >> sev >> d.file >> line >> column >> d.entity >> d.field >> d.message >> d.hint >> d.code >> d.backstage;
    d.severity = sev ? Severity::Warning : Severity::Error;
    d.line = line;
    d.column = column;
    return s;
}
QDataStream& operator<<(QDataStream& s, const LocationTarget& t)
{
    return s << t.target << t.path << t.type << t.optional << t.location << t.field << qint32(t.line)
             << qint32(t.column);
}
QDataStream& operator>>(QDataStream& s, LocationTarget& t)
{
    qint32 line = 0, column = 0;
    s >> t.target >> t.path >> t.type >> t.optional >> t.location >> t.field >> line >> column;
    t.line = line;
    t.column = column;
    return s;
}
template<typename T>
void readList(QDataStream& s, QList<T>& list)
{
    quint32 n = 0;
    s >> n;
    list.clear();
    // Never trust a stored count for allocation: a corrupt blob must not exhaust memory.
    for (quint32 i = 0; i < n && s.status() == QDataStream::Ok && !s.atEnd(); ++i) {
        T item;
        s >> item;
        list.push_back(std::move(item));
    }
}
template<typename T>
void writeList(QDataStream& s, const QList<T>& list)
{
    s << quint32(list.size());
    for (const T& item : list)
        s << item;
}
} // namespace

QDataStream& operator<<(QDataStream& s, const FileLoad& f)
{
    s << f.file << f.path << f.stamp;
    writeList(s, f.entities);
    writeList(s, f.diagnostics);
    writeList(s, f.targets);
    writeList(s, f.dependencies);
    return s;
}

QDataStream& operator>>(QDataStream& s, FileLoad& f)
{
    s >> f.file >> f.path >> f.stamp;
    readList(s, f.entities);
    readList(s, f.diagnostics);
    readList(s, f.targets);
    readList(s, f.dependencies);
    return s;
}

// ---- compact binary form -------------------------------------------------------------------
//
// What the store keeps per file. Every string goes once into a table at the front (UTF-8) and is
// referred to by number, so the many values a file repeats (kinds, owners, systems, relation
// targets that are keys of its own entities, annotation keys, its own path) are stored and, on
// reading, allocated once. Integers are LEB128 varints (zigzag for signed ones). Reading is plain
// pointer arithmetic with bounds checks: a damaged blob is refused, never misread.

namespace {

class Encoder
{
public:
    void u(quint64 v)
    {
        while (v >= 0x80) {
            m_body += char((v & 0x7f) | 0x80);
            v >>= 7;
        }
        m_body += char(v);
    }
    void i(qint64 v) { u((quint64(v) << 1) ^ quint64(v >> 63)); }
    void str(const QString& s)
    {
        auto it = m_ids.constFind(s);
        if (it == m_ids.constEnd()) {
            it = m_ids.insert(s, quint32(m_strings.size()));
            m_strings.push_back(s);
        }
        u(*it);
    }
    void bytes(const QByteArray& b)
    {
        u(quint64(b.size()));
        m_body.append(b.constData(), size_t(b.size()));
    }
    QByteArray finish() const
    {
        std::string head;
        const auto put = [&head](quint64 v) {
            while (v >= 0x80) {
                head += char((v & 0x7f) | 0x80);
                v >>= 7;
            }
            head += char(v);
        };
        put(quint64(m_strings.size()));
        for (const QString& s : m_strings) {
            const QByteArray utf8 = s.toUtf8();
            put(quint64(utf8.size()));
            head.append(utf8.constData(), size_t(utf8.size()));
        }
        QByteArray out;
        out.reserve(qsizetype(head.size() + m_body.size()));
        out.append(head.data(), qsizetype(head.size()));
        out.append(m_body.data(), qsizetype(m_body.size()));
        return out;
    }

private:
    std::string m_body;
    QHash<QString, quint32> m_ids;
    QList<QString> m_strings;
};

class Decoder
{
public:
    Decoder(const char* p, const char* end)
        : m_p(p)
        , m_end(end)
    {
    }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    quint64 u()
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p >= m_end)
                return fail();
            const quint8 b = quint8(*m_p++);
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        return fail();
    }
    qint64 i()
    {
        const quint64 v = u();
        return qint64(v >> 1) ^ -qint64(v & 1);
    }
    int i32() { return int(std::clamp<qint64>(i(), INT_MIN, INT_MAX)); }
    // A count of items that each take at least one byte: never more than what is left.
    quint64 count()
    {
        const quint64 n = u();
        return n <= quint64(m_end - m_p) ? n : fail();
    }
    bool readTable()
    {
        const quint64 n = count();
        m_table.reserve(qsizetype(std::min<quint64>(n, 1 << 16))); // a hint, not a trusted size
        for (quint64 k = 0; k < n && m_ok; ++k) {
            const quint64 len = count();
            if (!m_ok || len > quint64(m_end - m_p))
                return fail();
            m_table.push_back(QString::fromUtf8(m_p, qsizetype(len)));
            m_p += len;
        }
        return m_ok;
    }
    const QString& str()
    {
        const quint64 id = u();
        if (id >= quint64(m_table.size())) {
            fail();
            return m_empty;
        }
        return m_table[qsizetype(id)];
    }
    QByteArray bytes()
    {
        const quint64 len = count();
        if (!m_ok)
            return {};
        QByteArray b(m_p, qsizetype(len));
        m_p += len;
        return b;
    }
    quint64 fail()
    {
        m_ok = false;
        m_p = m_end;
        return 0;
    }

private:
    const char* m_p;
    const char* m_end;
    bool m_ok = true;
    QList<QString> m_table;
    const QString m_empty;
};

void encodeStamp(Encoder& w, const FileStamp& s)
{
    w.str(s.path);
    w.i(s.size);
    w.i(s.modified);
}

FileStamp decodeStamp(Decoder& r)
{
    FileStamp s;
    s.path = r.str();
    s.size = r.i();
    s.modified = r.i();
    return s;
}

void encodeEntity(Encoder& w, const Entity& e)
{
    w.str(e.apiVersion);
    w.str(e.ref.kind);
    w.str(e.ref.ns);
    w.str(e.ref.name);
    w.str(e.key);
    w.str(e.title);
    w.str(e.description);
    w.str(e.type);
    w.str(e.lifecycle);
    w.str(e.owner);
    w.str(e.system);
    w.u(quint64(e.tags.size()));
    for (const QString& t : e.tags)
        w.str(t);
    for (const auto* list : {&e.annotations, &e.labels}) {
        w.u(quint64(list->size()));
        for (const auto& p : *list) {
            w.str(p.first);
            w.str(p.second);
        }
    }
    w.u(quint64(e.links.size()));
    for (const EntityLink& l : e.links) {
        w.str(l.url);
        w.str(l.title);
        w.str(l.icon);
        w.str(l.type);
    }
    w.u(quint64(e.declared.size()));
    for (const DeclaredRelation& d : e.declared) {
        w.u(quint64(d.type));
        w.u(quint64(d.field));
        w.i(d.index);
        w.i(d.line);
        w.i(d.column);
        w.str(d.target);
    }
    w.bytes(e.document);
    w.str(e.location.source);
    w.str(e.location.file);
    w.i(e.location.line);
    w.i(e.location.column);
    w.i(e.location.document);
}

void decodeEntity(Decoder& r, Entity& e)
{
    e.apiVersion = r.str();
    e.ref.kind = r.str();
    e.ref.ns = r.str();
    e.ref.name = r.str();
    e.key = r.str();
    e.title = r.str();
    e.description = r.str();
    e.type = r.str();
    e.lifecycle = r.str();
    e.owner = r.str();
    e.system = r.str();
    quint64 n = r.count();
    e.tags.reserve(qsizetype(n));
    for (quint64 k = 0; k < n && r.ok(); ++k)
        e.tags.push_back(r.str());
    for (auto* list : {&e.annotations, &e.labels}) {
        n = r.count();
        list->reserve(qsizetype(n));
        for (quint64 k = 0; k < n && r.ok(); ++k) {
            const QString& key = r.str();
            list->push_back({key, r.str()});
        }
    }
    n = r.count();
    e.links.reserve(qsizetype(n));
    for (quint64 k = 0; k < n && r.ok(); ++k) {
        EntityLink l;
        l.url = r.str();
        l.title = r.str();
        l.icon = r.str();
        l.type = r.str();
        e.links.push_back(std::move(l));
    }
    n = r.count();
    e.declared.reserve(qsizetype(n));
    for (quint64 k = 0; k < n && r.ok(); ++k) {
        DeclaredRelation d;
        const quint64 type = r.u();
        const quint64 field = r.u();
        if (type >= quint64(RelationTypeCount) || field > quint64(RelationField::MemberOf)) {
            r.fail();
            break;
        }
        d.type = RelationType(type);
        d.field = RelationField(field);
        d.index = qint16(std::clamp<qint64>(r.i(), -1, 32767));
        d.line = r.i32();
        d.column = r.i32();
        d.target = r.str();
        e.declared.push_back(std::move(d));
    }
    e.document = r.bytes();
    e.location.source = r.str();
    e.location.file = r.str();
    e.location.line = r.i32();
    e.location.column = r.i32();
    e.location.document = r.i32();
}

} // namespace

QByteArray encodeFileLoad(const FileLoad& f)
{
    Encoder w;
    w.str(f.file);
    w.str(f.path);
    encodeStamp(w, f.stamp);
    w.u(quint64(f.entities.size()));
    for (const Entity& e : f.entities)
        encodeEntity(w, e);
    w.u(quint64(f.diagnostics.size()));
    for (const Diagnostic& d : f.diagnostics) {
        w.u(d.severity == Severity::Error ? 0 : 1);
        w.str(d.file);
        w.i(d.line);
        w.i(d.column);
        w.str(d.entity);
        w.str(d.field);
        w.str(d.message);
        w.str(d.hint);
        w.str(d.code);
        w.str(d.backstage);
    }
    w.u(quint64(f.targets.size()));
    for (const LocationTarget& t : f.targets) {
        w.str(t.target);
        w.str(t.path);
        w.str(t.type);
        w.u(t.optional ? 1 : 0);
        w.str(t.location);
        w.str(t.field);
        w.i(t.line);
        w.i(t.column);
    }
    w.u(quint64(f.dependencies.size()));
    for (const FileStamp& d : f.dependencies)
        encodeStamp(w, d);
    return w.finish();
}

bool decodeFileLoad(QByteArrayView blob, FileLoad& f)
{
    Decoder r(blob.data(), blob.data() + blob.size());
    if (!r.readTable())
        return false;
    f = FileLoad();
    f.file = r.str();
    f.path = r.str();
    f.stamp = decodeStamp(r);
    quint64 n = r.count();
    // A stored count only bounds the bytes left, and an entity takes far more memory than a byte:
    // grow as entities really decode, never allocate what a damaged blob claims.
    for (quint64 k = 0; k < n && r.ok(); ++k) {
        Entity e;
        decodeEntity(r, e);
        f.entities.push_back(std::move(e));
    }
    n = r.count();
    for (quint64 k = 0; k < n && r.ok(); ++k) {
        Diagnostic d;
        d.severity = r.u() == 0 ? Severity::Error : Severity::Warning;
        d.file = r.str();
        d.line = r.i32();
        d.column = r.i32();
        d.entity = r.str();
        d.field = r.str();
        d.message = r.str();
        d.hint = r.str();
        d.code = r.str();
        d.backstage = r.str();
        f.diagnostics.push_back(std::move(d));
    }
    n = r.count();
    for (quint64 k = 0; k < n && r.ok(); ++k) {
        LocationTarget t;
        t.target = r.str();
        t.path = r.str();
        t.type = r.str();
        t.optional = r.u() != 0;
        t.location = r.str();
        t.field = r.str();
        t.line = r.i32();
        t.column = r.i32();
        f.targets.push_back(std::move(t));
    }
    n = r.count();
    for (quint64 k = 0; k < n && r.ok(); ++k)
        f.dependencies.push_back(decodeStamp(r));
    if (!r.ok() || !r.atEnd()) {
        f = FileLoad();
        return false;
    }
    return true;
}

FileStamp stampFile(const QString& path)
{
    FileStamp st;
    st.path = path;
    const QFileInfo info(path);
    if (info.exists()) {
        st.size = info.size();
        st.modified = info.lastModified().toMSecsSinceEpoch();
    }
    return st;
}

} // namespace Flightdeck::Catalog
