<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AboutBox</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="37"/>
        <source>Crisp Upscaler {version}</source>
        <translation>Crisp Upscaler {version}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="38"/>
        <source>Free software under the {licence} licence.</source>
        <translation>Свободная программа под лицензией {licence}.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="39"/>
        <source>Images are upscaled by KIE AI&apos;s recraft/crisp-upscale model.</source>
        <translation>Изображения увеличивает модель recraft/crisp-upscale от KIE AI.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="41"/>
        <source>Drop or paste (Ctrl+V) images, folders or links. Delete removes, Ctrl+R retries, Enter opens the result; F11 or a double-click shows the comparison in the whole window, Esc goes back.</source>
        <translation>Перетащите или вставьте (Ctrl+V) изображения, папки или ссылки. Delete убирает, Ctrl+R повторяет, Enter открывает результат; F11 или двойной щелчок показывает сравнение на всё окно, Esc возвращает назад.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="45"/>
        <source>Log file</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="46"/>
        <source>KIE AI</source>
        <translation>KIE AI</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/about.py" line="53"/>
        <source>About Crisp Upscaler</source>
        <translation>О программе Crisp Upscaler</translation>
    </message>
</context>
<context>
    <name>BatchProgress</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="59"/>
        <source>{finished} of {total}</source>
        <translation>{finished} из {total}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="65"/>
        <source>paused</source>
        <translation>на паузе</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="67"/>
        <source>estimating…</source>
        <translation>оценка времени…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="75"/>
        <source>a few seconds left</source>
        <translation>осталось несколько секунд</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="77"/>
        <source>less than a minute left</source>
        <translation>осталось меньше минуты</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="80"/>
        <source>about %n min left</source>
        <translation>
            <numerusform>ещё примерно %Ln минута</numerusform>
            <numerusform>ещё примерно %Ln минуты</numerusform>
            <numerusform>ещё примерно %Ln минут</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/batch_progress.py" line="82"/>
        <source>about %n h left</source>
        <translation>
            <numerusform>ещё примерно %Ln час</numerusform>
            <numerusform>ещё примерно %Ln часа</numerusform>
            <numerusform>ещё примерно %Ln часов</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BatchQuestion</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="25"/>
        <source>About {cost:g} credits for {count} new tasks.</source>
        <translation>Около {cost:g} кредитов за новые задачи: {count}.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="29"/>
        <source>The balance could not be read.</source>
        <translation>Не удалось узнать баланс.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="31"/>
        <source>Balance: {balance:g} credits.</source>
        <translation>Баланс: {balance:g} кредитов.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="35"/>
        <source>The balance does not cover this batch: the queue pauses when the credits run out.</source>
        <translation>Баланса не хватит на весь пакет: очередь встанет на паузу, когда кредиты закончатся.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="46"/>
        <source>Upscale these images?</source>
        <translation>Выполнить апскейл этих изображений?</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="47"/>
        <source>Upscale {count} images?</source>
        <translation>Выполнить апскейл изображений: {count}?</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="49"/>
        <source>Upscale</source>
        <translation>Выполнить апскейл</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/batch_question.py" line="50"/>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="57"/>
        <source>Before and after comparison</source>
        <translation>Сравнение до и после</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="80"/>
        <source>Select a job to compare before and after</source>
        <translation>Выберите задание, чтобы сравнить до и после</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="82"/>
        <source>Result not ready yet</source>
        <translation>Результат ещё не готов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="84"/>
        <source>Original not available</source>
        <translation>Оригинал недоступен</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="88"/>
        <source>Before {width} × {height}</source>
        <translation>До {width} × {height}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="91"/>
        <source>After {width} × {height}</source>
        <translation>После {width} × {height}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="200"/>
        <source>{percent}%</source>
        <translation>{percent}%</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/compare/view.py" line="213"/>
        <source> (preview scaled)</source>
        <translation> (уменьшенное превью)</translation>
    </message>
</context>
<context>
    <name>Drop</name>
    <message>
        <location filename="../../upscaler_gui/ui/drop/mime.py" line="123"/>
        <source>No image link or file in the pasted text.</source>
        <translation>Во вставленном тексте нет ни ссылки на изображение, ни файла.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/mime.py" line="129"/>
        <source>Drop or paste</source>
        <translation>Перетаскивание или вставка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/mime.py" line="130"/>
        <source>Nothing to add: it held no image file, folder, link or picture.</source>
        <translation>Нечего добавить: здесь нет ни файла изображения, ни папки, ни ссылки, ни картинки.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="72"/>
        <source>This link is relative and the address of its page is unknown.</source>
        <translation>Это относительная ссылка, а адрес её страницы неизвестен.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="97"/>
        <source>This link has no valid host name.</source>
        <translation>В ссылке нет допустимого имени хоста.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="104"/>
        <source>This embedded image is {size} of text; at most {limit} can be used.</source>
        <translation>Встроенное изображение занимает {size} текста; допустимо не больше {limit}.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="127"/>
        <source>A blob: link exists only inside the browser tab. Save the image, then add the file.</source>
        <translation>Ссылка blob: существует только внутри вкладки браузера. Сохраните изображение и добавьте файл.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="130"/>
        <source>Only http and https links can be upscaled (this one is {scheme}).</source>
        <translation>Для апскейла подходят только ссылки http и https (а эта — {scheme}).</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="149"/>
        <source>This file is on another computer ({host}). Copy it here first.</source>
        <translation>Файл находится на другом компьютере ({host}). Сначала скопируйте его сюда.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/found.py" line="154"/>
        <source>This file link has no path.</source>
        <translation>В ссылке на файл нет пути.</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="26"/>
        <source>Drop zone</source>
        <translation>Область для перетаскивания</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="32"/>
        <source>Drop images, folders or links here</source>
        <translation>Перетащите сюда изображения, папки или ссылки</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="37"/>
        <source>PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF · paste with Ctrl+V · or Add files…</source>
        <translation>PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF · вставка — Ctrl+V · или «Добавить файлы…»</translation>
    </message>
</context>
<context>
    <name>EngineController</name>
    <message>
        <location filename="../../upscaler_gui/ui/bridge/controller.py" line="173"/>
        <source>The balance ({balance:g} credits) may not cover these images (~{cost:g}).</source>
        <translation>Баланса ({balance:g} кредитов) может не хватить на эти изображения (~{cost:g}).</translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="75"/>
        <source>Welcome to Crisp Upscaler</source>
        <translation>Добро пожаловать в Crisp Upscaler</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="82"/>
        <source>Images are upscaled by KIE AI&apos;s recraft/crisp-upscale model (about 0.5 credits each).&lt;br&gt;Paste your KIE API key to start, or try everything offline first.</source>
        <translation>Апскейл выполняет модель recraft/crisp-upscale от KIE AI (около 0,5 кредита за изображение).&lt;br&gt;Вставьте API-ключ KIE, чтобы начать, или сначала попробуйте всё офлайн.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="89"/>
        <source>Get a key on kie.ai</source>
        <translation>Получить ключ на kie.ai</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="106"/>
        <source>Try the offline demo</source>
        <translation>Попробовать офлайн-демо</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="108"/>
        <source>A local server that behaves like KIE: no key, no network, no cost</source>
        <translation>Локальный сервер, который ведёт себя как KIE: без ключа, без сети, бесплатно</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="121"/>
        <source>Paste your KIE API key</source>
        <translation>Вставьте API-ключ KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="123"/>
        <source>KIE API key</source>
        <translation>API-ключ KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/panels.py" line="124"/>
        <source>Save key</source>
        <translation>Сохранить ключ</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="63"/>
        <source>Spending history</source>
        <translation>История расходов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="67"/>
        <source>Total: {jobs} jobs, {tasks} tasks, {credits:g} credits</source>
        <translation>Всего: заданий — {jobs}, задач — {tasks}, кредитов — {credits:g}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="76"/>
        <source>Per day</source>
        <translation>По дням</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="77"/>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="77"/>
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="77"/>
        <location filename="../../upscaler_gui/ui/window/history.py" line="92"/>
        <source>Credits</source>
        <translation>Кредиты</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="87"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="88"/>
        <source>Source</source>
        <translation>Исходник</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="89"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="90"/>
        <source>Task id</source>
        <translation>ID задачи</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="91"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="102"/>
        <source>Open result</source>
        <translation>Открыть результат</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="136"/>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/history.py" line="139"/>
        <source>What each job cost, with totals per day</source>
        <translation>Сколько стоило каждое задание, с итогами по дням</translation>
    </message>
</context>
<context>
    <name>InputIntake</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/drop/intake.py" line="68"/>
        <source> (and %n more)</source>
        <translation>
            <numerusform> (и ещё %Ln)</numerusform>
            <numerusform> (и ещё %Ln)</numerusform>
            <numerusform> (и ещё %Ln)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/intake.py" line="72"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.PNG *.JPG *.JPEG *.WEBP);;All files (*)</source>
        <translation>Изображения (*.png *.jpg *.jpeg *.webp *.PNG *.JPG *.JPEG *.WEBP);;Все файлы (*)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/intake.py" line="73"/>
        <source>Add images</source>
        <translation>Добавить изображения</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/intake.py" line="79"/>
        <source>Add a folder of images</source>
        <translation>Добавить папку с изображениями</translation>
    </message>
</context>
<context>
    <name>JobActions</name>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="49"/>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="52"/>
        <source>Run failed, unknown or cancelled jobs again (new tasks are billed; paid results are not)</source>
        <translation>Повторить задания с ошибкой, неизвестные и отменённые (новая задача платная, оплаченный результат — нет)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="55"/>
        <source>Upscale again (new task, billed)</source>
        <translation>Увеличить заново (новая платная задача)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="56"/>
        <source>Make a new result for finished jobs: KIE bills each new task</source>
        <translation>Сделать новый результат для завершённых заданий: KIE берёт плату за каждую новую задачу</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="57"/>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="154"/>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="58"/>
        <source>Remove from list</source>
        <translation>Убрать из списка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="59"/>
        <source>Open result</source>
        <translation>Открыть результат</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="60"/>
        <source>Show in folder</source>
        <translation>Показать в папке</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="61"/>
        <source>Copy result link</source>
        <translation>Копировать ссылку на результат</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="62"/>
        <source>Copy task id</source>
        <translation>Копировать ID задачи</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="120"/>
        <source>Removing cancels them.</source>
        <translation>Удаление отменит их.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="122"/>
        <source>%n task(s) already sent to KIE are billed all the same.</source>
        <translation>
            <numerusform>%Ln задача, уже отправленная в KIE, всё равно оплачивается.</numerusform>
            <numerusform>%Ln задачи, уже отправленные в KIE, всё равно оплачиваются.</numerusform>
            <numerusform>%Ln задач, уже отправленных в KIE, всё равно оплачиваются.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="125"/>
        <source>Remove unfinished images?</source>
        <translation>Убрать незавершённые изображения?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="126"/>
        <source>%n of the selected images are not finished yet.</source>
        <translation>
            <numerusform>Не завершено %Ln выбранное изображение.</numerusform>
            <numerusform>Не завершены %Ln выбранных изображения.</numerusform>
            <numerusform>Не завершено %Ln выбранных изображений.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="128"/>
        <source>Remove</source>
        <translation>Убрать</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="129"/>
        <source>Keep them</source>
        <translation>Оставить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="147"/>
        <source>Run jobs again?</source>
        <translation>Повторить задания?</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="148"/>
        <source>Run %n job(s) again?</source>
        <translation>
            <numerusform>Повторить %Ln задание?</numerusform>
            <numerusform>Повторить %Ln задания?</numerusform>
            <numerusform>Повторить %Ln заданий?</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="150"/>
        <source>New KIE tasks: {billed}, about {cost} credits. Results KIE already made are downloaded again without a new task.</source>
        <translation>Новых задач KIE: {billed}; стоимость в кредитах: около {cost}. Результаты, уже сделанные KIE, скачиваются заново без новой задачи.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/job_actions.py" line="153"/>
        <source>Run again</source>
        <translation>Повторить</translation>
    </message>
</context>
<context>
    <name>JobTable</name>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="61"/>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="87"/>
        <source>Image</source>
        <translation>Изображение</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="87"/>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="87"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="87"/>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="153"/>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="154"/>
        <source>Uploading</source>
        <translation>Загрузка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="155"/>
        <source>Submitting</source>
        <translation>Отправка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="156"/>
        <source>Upscaling</source>
        <translation>Апскейл</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="157"/>
        <source>Downloading</source>
        <translation>Скачивание</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="158"/>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="159"/>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="160"/>
        <source>Skipped</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="161"/>
        <source>Paused</source>
        <translation>На паузе</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="162"/>
        <source>Cancelled</source>
        <translation>Отменено</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="163"/>
        <source>Unknown</source>
        <translation>Неизвестно</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="168"/>
        <source>{error} KIE may have billed it; Retry creates a new, billed task.</source>
        <translation>{error} Возможно, KIE уже списал кредиты; «Повторить» создаст новую платную задачу.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="174"/>
        <source>Saved as {name}</source>
        <translation>Сохранено как {name}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/model.py" line="192"/>
        <source>Running for {time}</source>
        <translation>Выполняется {time}</translation>
    </message>
</context>
<context>
    <name>KeyStorage</name>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_storage.py" line="28"/>
        <source>No system keyring</source>
        <translation>Нет системного хранилища паролей</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_storage.py" line="31"/>
        <source>Save the key in {path}, a file only you can read? It is stored there unencrypted: anyone who can read your files or your backups can spend your KIE credits with it.

Or keep it for this session only: nothing is written, and you enter it again at the next start.</source>
        <translation>Сохранить ключ в {path} — файле, который можете читать только вы? Он хранится там незашифрованным: любой, кто может прочитать ваши файлы или резервные копии, сможет тратить с ним ваши кредиты KIE.

Или оставить его только на этот сеанс: ничего не записывается, и при следующем запуске ключ нужно ввести снова.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_storage.py" line="40"/>
        <source>Save in a file</source>
        <translation>Сохранить в файл</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_storage.py" line="44"/>
        <source>This session only</source>
        <translation>Только на этот сеанс</translation>
    </message>
</context>
<context>
    <name>KeyTest</name>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_check.py" line="39"/>
        <source>There is no key to test: paste one first.</source>
        <translation>Нечего проверять: сначала вставьте ключ.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_check.py" line="45"/>
        <source>Key works: {balance} credits</source>
        <translation>Ключ работает. Кредитов на счёте: {balance}</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <location filename="../../upscaler_gui/ui/drop/link_dialog.py" line="21"/>
        <source>Add link</source>
        <translation>Добавить ссылку</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/link_dialog.py" line="23"/>
        <source>Image links (http or https); Shift+Enter starts a new line:</source>
        <translation>Ссылки на изображения (http или https); новая строка — Shift+Enter:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/link_dialog.py" line="27"/>
        <source>Image links</source>
        <translation>Ссылки на изображения</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/drop/link_dialog.py" line="35"/>
        <location filename="../../upscaler_gui/ui/drop/link_dialog.py" line="36"/>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
</context>
<context>
    <name>MainMenus</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="33"/>
        <source>&amp;Paste</source>
        <translation>&amp;Вставить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="34"/>
        <source>Select &amp;all</source>
        <translation>Выделить в&amp;сё</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="35"/>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="37"/>
        <source>Compare in &amp;full window</source>
        <translation>Сравнение на всё &amp;окно</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="39"/>
        <source>&amp;Back to the queue</source>
        <translation>&amp;Назад к очереди</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="41"/>
        <source>&amp;Help and about…</source>
        <translation>&amp;Справка и о программе…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="45"/>
        <source>Menu bar</source>
        <translation>Строка меню</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="47"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="49"/>
        <source>&amp;Edit</source>
        <translation>&amp;Правка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="58"/>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="62"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="66"/>
        <source>&amp;Fit the picture</source>
        <translation>&amp;Вписать картинку</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="67"/>
        <source>&amp;Actual size (100%)</source>
        <translation>&amp;Реальный размер (100 %)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="68"/>
        <source>Zoom &amp;in</source>
        <translation>&amp;Увеличить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/menus.py" line="69"/>
        <source>Zoom &amp;out</source>
        <translation>У&amp;меньшить</translation>
    </message>
</context>
<context>
    <name>MainToolbar</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="19"/>
        <source>Main</source>
        <translation>Основная панель</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="21"/>
        <source>Main toolbar</source>
        <translation>Главная панель инструментов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="24"/>
        <source>Add files…</source>
        <translation>Добавить файлы…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="25"/>
        <source>Add folder…</source>
        <translation>Добавить папку…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="26"/>
        <source>Add link…</source>
        <translation>Добавить ссылку…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="28"/>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="58"/>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="29"/>
        <source>Clear finished</source>
        <translation>Убрать завершённые</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="33"/>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/toolbar.py" line="58"/>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../upscaler_gui/ui/app.py" line="179"/>
        <source>Unexpected error</source>
        <translation>Непредвиденная ошибка</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="61"/>
        <source>Crisp Upscaler</source>
        <translation>Crisp Upscaler</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="227"/>
        <source>Batch finished: %n done</source>
        <translation>
            <numerusform>Пакет обработан. Готово: %Ln</numerusform>
            <numerusform>Пакет обработан. Готово: %Ln</numerusform>
            <numerusform>Пакет обработан. Готово: %Ln</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="229"/>
        <source>, %n failed</source>
        <translation>
            <numerusform>, с ошибками: %Ln</numerusform>
            <numerusform>, с ошибками: %Ln</numerusform>
            <numerusform>, с ошибками: %Ln</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="240"/>
        <source>The job store cannot be used</source>
        <translation>Хранилище заданий недоступно</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="297"/>
        <source>Esc, F11 or a double-click: back to the queue</source>
        <translation>Esc, F11 или двойной щелчок — назад к очереди</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/main_window.py" line="325"/>
        <source>Still watching from the tray</source>
        <translation>Слежение за папкой продолжается в трее</translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message>
        <location filename="../../upscaler_gui/ui/shell/numbers.py" line="41"/>
        <source>{number}%</source>
        <translation>{number} %</translation>
    </message>
</context>
<context>
    <name>OutputFolderRow</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="50"/>
        <source>Output folder</source>
        <translation>Папка результатов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="51"/>
        <source>Change…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="51"/>
        <source>Change the output folder</source>
        <translation>Сменить папку результатов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="53"/>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="53"/>
        <source>Open the output folder</source>
        <translation>Открыть папку результатов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="59"/>
        <source>Results go to:</source>
        <translation>Папка результатов:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="70"/>
        <source>Choose the output folder</source>
        <translation>Выберите папку результатов</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../upscaler_gui/ui/queue/view.py" line="58"/>
        <source>Queue of images</source>
        <translation>Очередь изображений</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/view.py" line="60"/>
        <source>Rows</source>
        <translation>Строки</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/queue/view.py" line="64"/>
        <source>Queue columns</source>
        <translation>Столбцы очереди</translation>
    </message>
</context>
<context>
    <name>QuitConfirmation</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="39"/>
        <source>Quit Crisp Upscaler?</source>
        <translation>Выйти из Crisp Upscaler?</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="61"/>
        <source>Nothing more is sent after you quit.</source>
        <translation>После выхода ничего больше не отправляется.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="42"/>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="40"/>
        <source>%n image(s) are not finished yet.</source>
        <translation>
            <numerusform>%Ln изображение ещё не завершено.</numerusform>
            <numerusform>%Ln изображения ещё не завершены.</numerusform>
            <numerusform>%Ln изображений ещё не завершено.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="43"/>
        <source>Keep working</source>
        <translation>Продолжить работу</translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="53"/>
        <source>%n task(s) already sent to KIE keep running there and are billed; their results are downloaded at the next start.</source>
        <translation>
            <numerusform>%Ln задача, уже отправленная в KIE, продолжает выполняться там и оплачивается; её результат скачается при следующем запуске.</numerusform>
            <numerusform>%Ln задачи, уже отправленные в KIE, продолжают выполняться там и оплачиваются; их результаты скачаются при следующем запуске.</numerusform>
            <numerusform>%Ln задач, уже отправленных в KIE, продолжают выполняться там и оплачиваются; их результаты скачаются при следующем запуске.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/quit_confirm.py" line="60"/>
        <source>%n image(s) not sent yet wait for the next start.</source>
        <translation>
            <numerusform>%Ln ещё не отправленное изображение ждёт следующего запуска.</numerusform>
            <numerusform>%Ln ещё не отправленных изображения ждут следующего запуска.</numerusform>
            <numerusform>%Ln ещё не отправленных изображений ждут следующего запуска.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SelectedJobCompare</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/selected_job.py" line="45"/>
        <source>Select an image to compare before and after</source>
        <translation>Выберите изображение, чтобы сравнить до и после</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/selected_job.py" line="79"/>
        <source>No result: {reason}</source>
        <translation>Нет результата: {reason}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/selected_job.py" line="82"/>
        <source>Result not ready yet</source>
        <translation>Результат ещё не готов</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../upscaler_gui/ui/settings/dialog.py" line="66"/>
        <source>Settings</source>
        <extracomment>(Settings, new_key): new_key is None when the key was left alone, &quot;&quot; when the user removed it. the typed key, or &quot;&quot; for the key in effect (saved or KIE_API_KEY); answer: show_key_test_result.</extracomment>
        <translation>Настройки</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="25"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="29"/>
        <source>images uploaded or downloaded at once</source>
        <translation>число параллельных загрузок и скачиваний</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="31"/>
        <source>&amp;Concurrency:</source>
        <translation>О&amp;дновременно:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="37"/>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="26"/>
        <source> credits</source>
        <translation> кредита</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="38"/>
        <source>used to estimate the cost of what is queued</source>
        <translation>для оценки стоимости очереди</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="39"/>
        <source>Cost &amp;per image:</source>
        <translation>&amp;Цена за изображение:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="40"/>
        <source>&amp;Start new images at once</source>
        <translation>&amp;Сразу запускать новые изображения</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="57"/>
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="60"/>
        <source>System</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="62"/>
        <source>takes effect after a restart</source>
        <translation>вступит в силу после перезапуска</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="63"/>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/groups.py" line="66"/>
        <source>The theme follows the system&apos;s light or dark mode.</source>
        <translation>Светлая или тёмная тема — как в системе.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="51"/>
        <source>KIE account</source>
        <translation>Аккаунт KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="72"/>
        <source>Set by KIE_API_KEY</source>
        <translation>Задан через KIE_API_KEY</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="76"/>
        <source>•••••••• (this session)</source>
        <translation>•••••••• (этот сеанс)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="78"/>
        <source>•••••••• (saved)</source>
        <translation>•••••••• (сохранён)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="80"/>
        <source>Paste your KIE API key</source>
        <translation>Вставьте API-ключ KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="83"/>
        <source>Test key asks KIE for your credit balance; it costs nothing.</source>
        <translation>«Проверить ключ» запрашивает у KIE баланс кредитов; это бесплатно.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="108"/>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="192"/>
        <source>S&amp;how</source>
        <translation>Пока&amp;зать</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="111"/>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="210"/>
        <source>&amp;Test key</source>
        <translation>&amp;Проверить ключ</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="115"/>
        <source>API &amp;key:</source>
        <translation>API-&amp;ключ:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="136"/>
        <source>&amp;Forget the key</source>
        <translation>За&amp;быть ключ</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="150"/>
        <source>Using KIE_API_KEY from the environment; it wins over the saved key.</source>
        <translation>Используется KIE_API_KEY из переменных окружения; он имеет приоритет над сохранённым ключом.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="130"/>
        <source>Get a key on kie.ai</source>
        <translation>Получить ключ на kie.ai</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="138"/>
        <source>&amp;Remove saved key</source>
        <translation>&amp;Удалить сохранённый ключ</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="154"/>
        <source>The key is saved in the system keyring.</source>
        <translation>Ключ сохранён в системном хранилище паролей.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="156"/>
        <source>The key is saved in a file only you can read (no system keyring):</source>
        <translation>Ключ сохранён в файле, доступном только вам (нет хранилища паролей):</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="161"/>
        <source>The key is kept for this session only: it is not saved anywhere.</source>
        <translation>Ключ хранится только на этот сеанс: он нигде не сохранён.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="164"/>
        <source>No key is saved yet.</source>
        <translation>Ключ ещё не сохранён.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="192"/>
        <source>&amp;Hide</source>
        <translation>Скры&amp;ть</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="199"/>
        <source>The saved key will be removed when you press OK.</source>
        <translation>Сохранённый ключ будет удалён, когда вы нажмёте «OK».</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="203"/>
        <source>Testing…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/key_row.py" line="205"/>
        <source>Asking KIE…</source>
        <translation>Запрос к KIE…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="60"/>
        <source>Results</source>
        <translation>Результаты</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="107"/>
        <source>Ch&amp;oose…</source>
        <translation>В&amp;ыбрать…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="110"/>
        <source>Output &amp;folder:</source>
        <translation>Папка &amp;результатов:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="115"/>
        <source>&amp;Naming:</source>
        <translation>Шаблон &amp;имени:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="126"/>
        <source>Rename</source>
        <translation>Переименовать</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="127"/>
        <source>Skip</source>
        <translation>Пропустить</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="128"/>
        <source>Overwrite</source>
        <translation>Перезаписать</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="134"/>
        <source>If the file e&amp;xists:</source>
        <translation>Если файл уже &amp;есть:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="140"/>
        <source>Keep result&apos;s format</source>
        <translation>Как у результата</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="150"/>
        <source>&amp;Quality:</source>
        <translation>Ка&amp;чество:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="154"/>
        <source>For&amp;mat:</source>
        <translation>&amp;Формат:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="159"/>
        <source>Copy &amp;EXIF and colour profile from the original</source>
        <translation>Копировать &amp;EXIF и цветовой профиль из оригинала</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="166"/>
        <source>Put results in the s&amp;ubfolders of a dropped folder</source>
        <translation>Раскладывать результаты по подпапка&amp;м перетащенной папки</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="169"/>
        <source>Re-encode ima&amp;ges over KIE&apos;s 10 MB to fit</source>
        <translation>Перекодировать изображения больше 10 МБ под &amp;лимит KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="171"/>
        <source>Scale do&amp;wn to KIE&apos;s pixel limits (16 MP, 4096 px a side)</source>
        <translation>Умень&amp;шать до ограничений KIE по пикселям (16 Мп, 4096 px по стороне)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="181"/>
        <source>Choose the output folder</source>
        <translation>Выберите папку результатов</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="191"/>
        <source>Example: {name}</source>
        <translation>Пример: {name}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="197"/>
        <source>Not valid: {problem}</source>
        <translation>Ошибка: {problem}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="211"/>
        <source>If that name exists: leave the existing file and don&apos;t save the result</source>
        <translation>Если такое имя уже есть: оставить существующий файл и не сохранять результат</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="215"/>
        <source>If that name exists: replace the existing file</source>
        <translation>Если такое имя уже есть: заменить существующий файл</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="217"/>
        <source>If that name exists: keep it and save as {other}</source>
        <translation>Если такое имя уже есть: оставить существующий файл и сохранить результат как {other}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/results.py" line="224"/>
        <source>Fields: {fields}</source>
        <translation>Поля: {fields}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="35"/>
        <source>Spending</source>
        <translation>Расходы</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="36"/>
        <source>no limit</source>
        <translation>без ограничения</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="38"/>
        <source>until the queue is empty again</source>
        <translation>пока очередь снова не опустеет</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="39"/>
        <source>&amp;Budget per batch:</source>
        <translation>Б&amp;юджет на пакет:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="41"/>
        <source>the window and the command line together</source>
        <translation>окно и командная строка вместе</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="42"/>
        <source>Budget per &amp;day:</source>
        <translation>Днев&amp;ной бюджет:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="43"/>
        <source>always ask</source>
        <translation>спрашивать всегда</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="44"/>
        <source>shows the count, cost and balance first</source>
        <translation>сначала покажет число, цену и баланс</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="47"/>
        <source>As&amp;k before a batch over:</source>
        <translation>Спр&amp;ашивать перед пакетом дороже:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/spending_group.py" line="53"/>
        <source>Images past a budget wait as over budget, kept.</source>
        <translation>Изображения сверх бюджета ждут в очереди и сохраняются.</translation>
    </message>
</context>
<context>
    <name>SettingsFlow</name>
    <message>
        <location filename="../../upscaler_gui/ui/settings/flow.py" line="85"/>
        <source>The language changes at the next start.</source>
        <translation>Язык сменится при следующем запуске.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/flow.py" line="128"/>
        <source>Using the API key saved in {path} (there is no system keyring).</source>
        <translation>Используется API-ключ, сохранённый в {path} (системного хранилища паролей нет).</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/flow.py" line="131"/>
        <source>Using the API key from KIE_API_KEY.</source>
        <translation>Используется API-ключ из KIE_API_KEY.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/flow.py" line="151"/>
        <source>The key is saved in {path}, readable only by you.</source>
        <translation>Ключ сохранён в {path}, его можете читать только вы.</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/settings/flow.py" line="156"/>
        <source>The key is used for this session only: enter it again at the next start.</source>
        <translation>Ключ используется только в этом сеансе: при следующем запуске введите его снова.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="26"/>
        <source>Batch progress</source>
        <translation>Ход пакета</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="58"/>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="59"/>
        <source>running</source>
        <translation>в работе</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="60"/>
        <source>done</source>
        <translation>готово</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="61"/>
        <source>failed</source>
        <translation>с ошибкой</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="64"/>
        <source>Queue empty</source>
        <translation>Очередь пуста</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="68"/>
        <source>Queued: ~{cost} credits</source>
        <translation>Кредитов на очередь: ~{cost}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="72"/>
        <source>Credits: {n}</source>
        <translation>Кредитов: {n}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="80"/>
        <source>KIE</source>
        <translation>KIE</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="80"/>
        <source>Offline demo</source>
        <translation>Офлайн-демо</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/status.py" line="80"/>
        <source>No key</source>
        <translation>Нет ключа</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="40"/>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="68"/>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="71"/>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="81"/>
        <source>Crisp Upscaler</source>
        <translation>Crisp Upscaler</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="42"/>
        <source>Show window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="44"/>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="46"/>
        <source>Stop watching</source>
        <translation>Остановить слежение</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/shell/tray.py" line="81"/>
        <source>Crisp Upscaler: watching a folder</source>
        <translation>Crisp Upscaler: слежение за папкой</translation>
    </message>
</context>
<context>
    <name>WatchController</name>
    <message>
        <location filename="../../upscaler_gui/ui/bridge/watching.py" line="61"/>
        <source>Watching {folder}</source>
        <translation>Слежение за папкой {folder}</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/bridge/watching.py" line="67"/>
        <source>Stopped watching</source>
        <translation>Слежение остановлено</translation>
    </message>
</context>
<context>
    <name>WatchFolderRow</name>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="97"/>
        <source>Watch a folder:</source>
        <translation>Следить за папкой:</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="98"/>
        <source>Images saved or copied into this folder are upscaled once each</source>
        <translation>Каждое изображение, сохранённое или скопированное в эту папку, проходит апскейл один раз</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="99"/>
        <source>Watch a folder</source>
        <translation>Следить за папкой</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="102"/>
        <source>Watched folder</source>
        <translation>Папка под наблюдением</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="103"/>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="114"/>
        <source>(none chosen)</source>
        <translation>(не выбрана)</translation>
    </message>
    <message>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="103"/>
        <location filename="../../upscaler_gui/ui/window/folder_rows.py" line="129"/>
        <source>Choose a folder to watch</source>
        <translation>Выберите папку для слежения</translation>
    </message>
</context>
<context>
    <name>WindowInputs</name>
    <message numerus="yes">
        <location filename="../../upscaler_gui/ui/window/inputs.py" line="60"/>
        <source>%n image(s) wait for a key or the offline demo.</source>
        <translation>
            <numerusform>%Ln изображение ждёт ключа или офлайн-демо.</numerusform>
            <numerusform>%Ln изображения ждут ключа или офлайн-демо.</numerusform>
            <numerusform>%Ln изображений ждут ключа или офлайн-демо.</numerusform>
        </translation>
    </message>
</context>
</TS>
