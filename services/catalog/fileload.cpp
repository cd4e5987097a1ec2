// SPDX-License-Identifier: Apache-2.0
#include "loader.h"

#include <QFileInfo>

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
