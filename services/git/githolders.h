// SPDX-License-Identifier: Apache-2.0
#pragma once

// Owning holders for libgit2 objects. Only code inside services/ includes this header: libgit2 is a
// private dependency of flightdeck_services.

#include <git2.h>

#include <memory>

namespace Flightdeck::Git {

template <auto FreeFunction> struct Libgit2Deleter
{
    template <typename T> void operator()(T* object) const { FreeFunction(object); }
};

using RepositoryPtr = std::unique_ptr<git_repository, Libgit2Deleter<git_repository_free>>;
using RemotePtr = std::unique_ptr<git_remote, Libgit2Deleter<git_remote_free>>;
using ObjectPtr = std::unique_ptr<git_object, Libgit2Deleter<git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Libgit2Deleter<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Libgit2Deleter<git_tree_free>>;
using IndexPtr = std::unique_ptr<git_index, Libgit2Deleter<git_index_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Libgit2Deleter<git_signature_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Libgit2Deleter<git_reference_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Libgit2Deleter<git_revwalk_free>>;
using BranchIteratorPtr = std::unique_ptr<git_branch_iterator, Libgit2Deleter<git_branch_iterator_free>>;
using TagPtr = std::unique_ptr<git_tag, Libgit2Deleter<git_tag_free>>;
using CredentialPtr = std::unique_ptr<git_credential, Libgit2Deleter<git_credential_free>>;

// A git_buf that disposes itself.
struct Buffer
{
    git_buf buf = GIT_BUF_INIT;
    Buffer() = default;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { git_buf_dispose(&buf); }
    git_buf* out() { return &buf; }
    const char* data() const { return buf.ptr ? buf.ptr : ""; }
    size_t size() const { return buf.size; }
};

// A git_strarray filled by libgit2 that disposes itself.
struct StrArray
{
    git_strarray array { nullptr, 0 };
    StrArray() = default;
    StrArray(const StrArray&) = delete;
    StrArray& operator=(const StrArray&) = delete;
    ~StrArray() { git_strarray_dispose(&array); }
    git_strarray* out() { return &array; }
};

} // namespace Flightdeck::Git
