/** The admin category's tools (policies/categories.json): catalog administration. @module */
import type { ToolDefinition } from "../common/define.ts";
import { ADMIN_SETTINGS_TOOLS } from "./admin_settings.ts";
import { ADMIN_USER_TOOLS } from "./admin_users.ts";

/** Tools of the admin category. */
export const ADMIN_TOOLS: readonly ToolDefinition[] = [
  ...ADMIN_USER_TOOLS,
  ...ADMIN_SETTINGS_TOOLS,
];
