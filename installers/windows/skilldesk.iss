; SkillDesk installer (Inno Setup 6).
;
;   python installers\build.py                          (makes dist\skilldesk\)
;   iscc /DAppVersion=0.1.0 installers\windows\skilldesk.iss
;
; -> dist\installer\SkillDesk-Setup-<version>.exe
;
; Install mode: per user by default (PrivilegesRequired=lowest), into
; %LOCALAPPDATA%\Programs\SkillDesk, because office PCs at training schools often give
; staff no administrator rights. PrivilegesRequiredOverridesAllowed=dialog lets someone
; who has them install for all users instead (Program Files); {autopf}, {autoprograms},
; {autodesktop} and HKA follow the chosen mode.
;
; Uninstalling keeps the user's data (databases, automatic backups, settings, logs in
; %LOCALAPPDATA%\SkillDesk\skilldesk, platformdirs' user_data_dir("skilldesk", "SkillDesk"))
; unless the user answers Yes to deleting it; a silent uninstall always keeps it.
; (The file is UTF-8 with a byte-order mark: Inno Setup needs it for the Chinese text.)

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z installers\windows\skilldesk.iss
#endif
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\..\dist\skilldesk"
#endif

; Chinese Simplified is an official Inno Setup translation from 6.5 on; older compilers
; can use a copy of Files\Languages\ChineseSimplified.isl from the Inno Setup source
; placed next to this script (see installers\README.md).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl not found: install Inno Setup 6.5 or later (see installers\README.md)
#endif

#define AppName "SkillDesk"
#define AppExe "skilldesk.exe"

[Setup]
AppId={{56D7F025-0FA9-436E-87BF-38ABC7063EB0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=SkillDesk
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
SetupIconFile=..\..\skilldesk\resources\icons\skilldesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
ChangesAssociations=yes
CloseApplications=yes
RestartApplications=no
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=SkillDesk-Setup-{#AppVersion}
ShowLanguageDialog=auto

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.ClaimFileType=SkillDesk 补贴申领包
english.ClaimFileType=SkillDesk claim package
chinesesimplified.SyncFileType=SkillDesk 同步包
english.SyncFileType=SkillDesk sync bundle
chinesesimplified.DeleteDataPrompt=是否同时删除本机上的 SkillDesk 数据？%n%n文件夹：%1%n%n其中包括机构数据库、自动备份、设置和日志。删除后无法恢复。%n如果以后还要使用，或者还没有把备份拷到别处，请选择“否”（推荐）。
english.DeleteDataPrompt=Also delete the SkillDesk data on this computer?%n%nFolder: %1%n%nIt holds the institution database, automatic backups, settings and logs. Deleted data cannot be recovered.%nChoose No (recommended) if you will use SkillDesk again or have not copied your backups elsewhere.
chinesesimplified.DeleteDataFailed=有些数据文件未能删除（可能仍在使用中）：%n%1%n%n请关闭 SkillDesk 后手动删除该文件夹。
english.DeleteDataFailed=Some data files could not be deleted (they may still be in use):%n%1%n%nClose SkillDesk and delete the folder yourself.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; an update replaces the program files whole, so no stale library survives
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Double-clicking a claim package opens it for review; a sync bundle is imported.
Root: HKA; Subkey: "Software\Classes\.tsclaim"; ValueType: string; ValueName: ""; ValueData: "SkillDesk.ClaimPackage"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tsclaim\OpenWithProgids"; ValueType: string; ValueName: "SkillDesk.ClaimPackage"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\SkillDesk.ClaimPackage"; ValueType: string; ValueName: ""; ValueData: "{cm:ClaimFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\SkillDesk.ClaimPackage\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\SkillDesk.ClaimPackage\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\skilldesk.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.tssync"; ValueType: string; ValueName: ""; ValueData: "SkillDesk.SyncBundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tssync\OpenWithProgids"; ValueType: string; ValueName: "SkillDesk.SyncBundle"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\SkillDesk.SyncBundle"; ValueType: string; ValueName: ""; ValueData: "{cm:SyncFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\SkillDesk.SyncBundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\SkillDesk.SyncBundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\skilldesk.exe"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
const
  DataFolder = '{localappdata}\SkillDesk\skilldesk';  { platformdirs: <author>\<app> }
  AuthorFolder = '{localappdata}\SkillDesk';

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folder: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  Folder := ExpandConstant(DataFolder);
  if UninstallSilent or not DirExists(Folder) then
    Exit;  { silent uninstalls and updates keep the data }
  if MsgBox(FmtMessage(CustomMessage('DeleteDataPrompt'), [Folder]), mbConfirmation,
            MB_YESNO or MB_DEFBUTTON2) <> IDYES then
    Exit;
  if DelTree(Folder, True, True, True) then
    RemoveDir(ExpandConstant(AuthorFolder))  { only if now empty }
  else
    MsgBox(FmtMessage(CustomMessage('DeleteDataFailed'), [Folder]), mbError, MB_OK);
end;
