// SPDX-License-Identifier: Apache-2.0
// Feeds arbitrary bytes through the whole catalog reading path: YAML, envelope, placeholders,
// policies, kind schemas, entity extraction, relations and the search index; and through the
// decoder of the store's compact form, which must refuse damage without crashing.
#include "catalog/catalog.h"
#include "catalog/loader.h"

#include <QCoreApplication>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size)
{
    using namespace Flightdeck::Catalog;
    LoadContext ctx;
    ctx.sourceName = QStringLiteral("fuzz");
    ctx.file = QStringLiteral("/nonexistent/fuzz/catalog-info.yaml");
    ctx.path = ctx.file;
    ctx.root = QStringLiteral("/nonexistent/fuzz");
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    FileLoad decoded;
    (void)decodeFileLoad(QByteArrayView(bytes), decoded);
    FileLoad load = loadCatalogFile(bytes, ctx);
    // The store's form of what was read must read back identically.
    FileLoad roundTrip;
    if (!decodeFileLoad(encodeFileLoad(load), roundTrip) || !(roundTrip == load))
        __builtin_trap();
    for (const Diagnostic& d : load.diagnostics) {
        if (d.message.isEmpty())
            __builtin_trap(); // every diagnostic must say what is wrong
    }
    Catalog::BuildInput input;
    input.files << load;
    const CatalogPtr catalog = Catalog::build(std::move(input));
    for (int i = 0; i < catalog->size(); ++i)
        (void)catalog->relations(i);
    SearchQuery q;
    q.text = QStringLiteral("pay");
    (void)catalog->searchIndex().search(q);
    return 0;
}
