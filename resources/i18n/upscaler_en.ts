<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BatchProgress</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="80"/>
        <source>about %n min left</source>
        <translation>
            <numerusform>about %Ln min left</numerusform>
            <numerusform>about %Ln min left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="82"/>
        <source>about %n h left</source>
        <translation>
            <numerusform>about %Ln h left</numerusform>
            <numerusform>about %Ln h left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InputIntake</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/drop/intake.py" line="68"/>
        <source> (and %n more)</source>
        <translation>
            <numerusform> (and %Ln more)</numerusform>
            <numerusform> (and %Ln more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobActions</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="122"/>
        <source>%n task(s) already sent to KIE are billed all the same.</source>
        <translation>
            <numerusform>%Ln task already sent to KIE is billed all the same.</numerusform>
            <numerusform>%Ln tasks already sent to KIE are billed all the same.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="126"/>
        <source>%n of the selected images are not finished yet.</source>
        <translation>
            <numerusform>%Ln of the selected images is not finished yet.</numerusform>
            <numerusform>%Ln of the selected images are not finished yet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="148"/>
        <source>Run %n job(s) again?</source>
        <translation>
            <numerusform>Run %Ln job again?</numerusform>
            <numerusform>Run %Ln jobs again?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="227"/>
        <source>Batch finished: %n done</source>
        <translation>
            <numerusform>Batch finished: %Ln done</numerusform>
            <numerusform>Batch finished: %Ln done</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="229"/>
        <source>, %n failed</source>
        <translation>
            <numerusform>, %Ln failed</numerusform>
            <numerusform>, %Ln failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuitConfirmation</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="40"/>
        <source>%n image(s) are not finished yet.</source>
        <translation>
            <numerusform>%Ln image is not finished yet.</numerusform>
            <numerusform>%Ln images are not finished yet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="53"/>
        <source>%n task(s) already sent to KIE keep running there and are billed; their results are downloaded at the next start.</source>
        <translation>
            <numerusform>%Ln task already sent to KIE keeps running there and is billed; its result is downloaded at the next start.</numerusform>
            <numerusform>%Ln tasks already sent to KIE keep running there and are billed; their results are downloaded at the next start.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="60"/>
        <source>%n image(s) not sent yet wait for the next start.</source>
        <translation>
            <numerusform>%Ln image not sent yet waits for the next start.</numerusform>
            <numerusform>%Ln images not sent yet wait for the next start.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowInputs</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/inputs.py" line="60"/>
        <source>%n image(s) wait for a key or the offline demo.</source>
        <translation>
            <numerusform>%Ln image waits for a key or the offline demo.</numerusform>
            <numerusform>%Ln images wait for a key or the offline demo.</numerusform>
        </translation>
    </message>
</context>
</TS>
