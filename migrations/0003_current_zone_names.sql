-- Zone names were stored as ICU's ids, some of which IANA has since renamed (Asia/Calcutta, now
-- Asia/Kolkata). The API now stores current names (RENAMED_ZONES in src/recurrence/time-zones.ts,
-- the same list); this renames the rows stored before. A renamed row is a new representation: its
-- version (ETag) moves on, and so does the default calendar's (its feeds' TZIDs change).
CREATE TABLE `zone_renames` (`legacy` text PRIMARY KEY NOT NULL, `current` text NOT NULL);
--> statement-breakpoint
INSERT INTO `zone_renames` (`legacy`, `current`) VALUES
	('Africa/Asmera', 'Africa/Asmara'),
	('America/Buenos_Aires', 'America/Argentina/Buenos_Aires'),
	('America/Catamarca', 'America/Argentina/Catamarca'),
	('America/Coral_Harbour', 'America/Atikokan'),
	('America/Cordoba', 'America/Argentina/Cordoba'),
	('America/Godthab', 'America/Nuuk'),
	('America/Indianapolis', 'America/Indiana/Indianapolis'),
	('America/Jujuy', 'America/Argentina/Jujuy'),
	('America/Louisville', 'America/Kentucky/Louisville'),
	('America/Mendoza', 'America/Argentina/Mendoza'),
	('Asia/Calcutta', 'Asia/Kolkata'),
	('Asia/Katmandu', 'Asia/Kathmandu'),
	('Asia/Rangoon', 'Asia/Yangon'),
	('Asia/Saigon', 'Asia/Ho_Chi_Minh'),
	('Atlantic/Faeroe', 'Atlantic/Faroe'),
	('Europe/Kiev', 'Europe/Kyiv'),
	('Pacific/Enderbury', 'Pacific/Kanton'),
	('Pacific/Ponape', 'Pacific/Pohnpei'),
	('Pacific/Truk', 'Pacific/Chuuk');
--> statement-breakpoint
UPDATE `patterns` SET `timezone` = `zone_renames`.`current`, `version` = `patterns`.`version` + 1
FROM `zone_renames` WHERE `patterns`.`timezone` = `zone_renames`.`legacy`;
--> statement-breakpoint
UPDATE `occurrences` SET `timezone` = `zone_renames`.`current`, `version` = `occurrences`.`version` + 1
FROM `zone_renames` WHERE `occurrences`.`timezone` = `zone_renames`.`legacy`;
--> statement-breakpoint
UPDATE `calendars` SET `version` = `version` + 1 WHERE `id` = 1;
--> statement-breakpoint
DROP TABLE `zone_renames`;
