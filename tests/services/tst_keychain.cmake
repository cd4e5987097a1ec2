# SPDX-License-Identifier: Apache-2.0
# tst_keychain (as registered) runs without a session bus: the headless failure must read clearly.
# tst_keychain_real runs the same executable against a real gnome-keyring in a private D-Bus session
# (tests/support/with-keyring.sh; needs the Debian packages dbus, gnome-keyring, libsecret-tools).
set_tests_properties(tst_keychain PROPERTIES TIMEOUT 60
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false;DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/flightdeck-test-no-bus;DISPLAY=")
add_test(NAME tst_keychain_real
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/../support/with-keyring.sh $<TARGET_FILE:tst_keychain>)
set_tests_properties(tst_keychain_real PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77 LABELS "services;keyring"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false")
