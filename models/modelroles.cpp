// SPDX-License-Identifier: Apache-2.0
#include "modelroles.h"
