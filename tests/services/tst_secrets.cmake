# SPDX-License-Identifier: Apache-2.0
# The mapping test names QtKeychain's own error values.
target_link_libraries(tst_secrets PRIVATE Qt6Keychain::Qt6Keychain)
